import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { chat } from './chat';
import { message } from './message';
import { searchCreators, searchFans } from './search';
import { FANVUE_CREDENTIAL, fanvue } from './transport';

const resources = [chat, message];

export class Fanvue implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fanvue',
		name: 'fanvue',
		icon: { light: 'file:../../icons/fanvue.svg', dark: 'file:../../icons/fanvue.dark.svg' },
		group: ['output'],
		// 1.1: the creator (agency) is the Creator field, listing the agency's creators; version 1
		// workflows keep their Options > As Creator value and behave as before.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Open chats with fans on Fanvue, the creator platform, list them and send messages',
		defaults: { name: 'Fanvue' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: FANVUE_CREDENTIAL, required: true }],
		properties: fanvue.properties(resources),
	};

	methods = { listSearch: { searchCreators, searchFans } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await fanvue.execute(this, resources);
	}
}

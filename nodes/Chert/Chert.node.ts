import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { chat } from './chat';
import { message } from './message';
import { searchPhoneNumbers } from './search';
import { chert } from './transport';

const resources = [chat, message];

export class Chert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chert',
		name: 'chert',
		icon: { light: 'file:../../icons/chert.svg', dark: 'file:../../icons/chert.dark.svg' },
		group: ['output'],
		// 1.1: To takes one value for the whole list (comma-separated or an expression's list).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Start iMessage chats from your team's numbers with Chert, follow up and read replies",
		defaults: { name: 'Chert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chatProvidersChertApi', required: true }],
		properties: chert.properties(resources),
	};

	methods = { listSearch: { searchPhoneNumbers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await chert.execute(this, resources);
	}
}

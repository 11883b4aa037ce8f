import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { contact } from './contacts';
import { conversation } from './conversation';
import { message } from './message';
import { chatwoot } from './transport';

// Conversation first: its default resource and operation are what saved workflows have.
const resources = [conversation, contact, message];

export class Chatwoot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chatwoot',
		name: 'chatwoot',
		icon: { light: 'file:../../icons/chatwoot.svg', dark: 'file:../../icons/chatwoot.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Open and carry on conversations in a Chatwoot API inbox through Chatwoot's public client API",
		defaults: { name: 'Chatwoot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chatProvidersChatwootApi', required: true }],
		properties: chatwoot.properties(resources),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await chatwoot.execute(this, resources);
	}
}

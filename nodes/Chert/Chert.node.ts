import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { executeOperation } from '../shared/items';
import * as createChat from './chat/create';
import { searchPhoneNumbers } from './search';

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
		description: "Start iMessage chats from your team's numbers with Chert",
		defaults: { name: 'Chert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chatProvidersChertApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Chat', value: 'chat' }],
				default: 'chat',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['chat'] } },
				options: [
					{
						name: 'Create',
						value: 'create',
						description: 'Open a direct or group chat and send its first message',
						action: 'Create a chat',
					},
				],
				default: 'create',
			},
			...createChat.description,
		],
	};

	methods = { listSearch: { searchPhoneNumbers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, { chat: { create: createChat.execute } });
	}
}

import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { executeOperation } from '../shared/items';
import * as createChat from './chat/create';
import { searchArtists } from './search';

export class Recoup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Recoup',
		name: 'recoup',
		icon: { light: 'file:../../icons/recoup.svg', dark: 'file:../../icons/recoup.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Open chat rooms with Recoup, the AI agent platform for the music industry',
		defaults: { name: 'Recoup' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chatProvidersRecoupApi', required: true }],
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
						description: 'Create a chat room, optionally about an artist',
						action: 'Create a chat',
					},
				],
				default: 'create',
			},
			...createChat.description,
		],
	};

	methods = { listSearch: { searchArtists } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, { chat: { create: createChat.execute } });
	}
}

import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { chat } from './chat';
import { searchArtists } from './search';
import { recoup } from './transport';

const resources = [chat];

export class Recoup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Recoup',
		name: 'recoup',
		icon: { light: 'file:../../icons/recoup.svg', dark: 'file:../../icons/recoup.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Open, list, read, rename and delete chat rooms with Recoup, the AI agent platform for the music industry',
		defaults: { name: 'Recoup' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chatProvidersRecoupApi', required: true }],
		properties: recoup.properties(resources),
	};

	methods = { listSearch: { searchArtists } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await recoup.execute(this, resources);
	}
}

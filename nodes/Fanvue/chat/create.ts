import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemState } from '../../shared/execution-record';
import { runOptions, type RunSettings } from '../../shared/items';
import { sendProviderRequest } from '../../shared/request';
import { invalidInput, optionalUuid, readText, requireUuid } from '../../shared/validate';
import { creatorLocator, readCreatorUuid } from '../creator';
import {
	apiVersionOption,
	DEFAULT_API_VERSION,
	fanvueApi,
	getFanvueConnection,
	isApiVersion,
} from '../transport';

const UUID_REGEX = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const showFor = { show: { resource: ['chat'], operation: ['create'] } };

export const description: INodeProperties[] = [
	creatorLocator(showFor),
	{
		displayName: 'Fan',
		name: 'fan',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description:
			"The fan to open a chat with: the fan's Fanvue user UUID (as in the fan list, from Fanvue's chat list GET /chats, or GET /creators/{uuid}/chats for an agency creator), not a handle or name",
		displayOptions: showFor,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchFans', searchable: true },
			},
			{
				displayName: 'By UUID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
				validation: [
					{
						type: 'regex',
						properties: { regex: UUID_REGEX, errorMessage: "The fan's UUID is not valid" },
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor,
		options: [
			apiVersionOption,
			{
				// Version 1 kept the creator here; its saved workflows still show and use it.
				displayName: 'As Creator (Agency)',
				name: 'creatorUuid',
				type: 'string',
				default: '',
				placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
				description:
					"The creator's user UUID to open the chat as, used when Creator above is Me. Prefer the Creator field: it lists your agency's creators.",
				displayOptions: { show: { '@version': [1] } },
			},
			...runOptions,
		],
	},
];

/** The fan and, in agency mode, the creator the chat is for: checked before anything is sent. */
function readTarget(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { fanUuid: string; creatorUuid: string | undefined; options: IDataObject } {
	const node = ctx.getNode();
	const at = (field: string) => ({ node, itemIndex, field });
	const fanUuid = requireUuid(
		ctx.getNodeParameter('fan', itemIndex, '', { extractValue: true }),
		at('Fan'),
	);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const creatorUuid =
		readCreatorUuid(
			ctx.getNodeParameter('creator', itemIndex, '', { extractValue: true }),
			at('Creator'),
		) ?? optionalUuid(options.creatorUuid, at('As Creator (Agency)'));
	return { fanUuid, creatorUuid, options };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: RunSettings,
): Promise<IDataObject> {
	const node = this.getNode();
	const at = (field: string) => ({ node, itemIndex, field });
	const { fanUuid, creatorUuid, options } = readTarget(this, itemIndex);
	const apiVersion = readText(options.apiVersion, at('API Version')) || DEFAULT_API_VERSION;
	if (!isApiVersion(apiVersion)) {
		throw invalidInput(
			node,
			itemIndex,
			'API Version',
			`must be a date like ${DEFAULT_API_VERSION}, but got "${apiVersion}"`,
		);
	}

	const { baseUrl, secrets } = await getFanvueConnection(this);
	const api = fanvueApi({
		apiVersion,
		scopes: creatorUuid ? ['write:chat', 'read:creator'] : ['write:chat'],
		notFoundHint: creatorUuid
			? "Check the fan's UUID and the creator's UUID: the creator must be one your agency manages."
			: "Check the fan's UUID: pick the fan from the list, or copy the UUID from Fanvue.",
	});
	const path = creatorUuid ? `/creators/${creatorUuid}/chats` : '/chats';

	// Not idempotent: only a 429 (refused before acting) is ever sent again.
	const answer = await sendProviderRequest(
		this,
		api,
		{
			method: 'POST',
			url: `${baseUrl}${path}`,
			body: { userUuid: fanUuid },
			headers: { 'X-Fanvue-API-Version': apiVersion },
			idempotent: false,
		},
		{ itemIndex, secrets, maxWaitMs: settings.maxWaitMs },
	);
	const message = (answer.body as IDataObject | undefined)?.message;
	return {
		fanUuid,
		creatorUuid: creatorUuid ?? null,
		created: true,
		message: typeof message === 'string' ? message : null,
	};
}

/**
 * An earlier try of this execution opened the chat: it is not asked for again (Fanvue may refuse a
 * chat that exists). After a request that may or may not have arrived, asking again is safe: a
 * fan has one chat per creator, so it cannot open a second one.
 */
export async function replay(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: RunSettings,
	earlier: ItemState,
): Promise<IDataObject> {
	if (earlier === 'uncertain') return await execute.call(this, itemIndex, settings);
	const { fanUuid, creatorUuid } = readTarget(this, itemIndex);
	return {
		fanUuid,
		creatorUuid: creatorUuid ?? null,
		created: true,
		message: null,
		createdByEarlierTry: true,
	};
}

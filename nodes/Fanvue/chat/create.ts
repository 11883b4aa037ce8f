import type { IDataObject } from 'n8n-workflow';

import { creatorLocator, readCreatorUuid } from '../creator';
import { apiVersionOption, fanvue, readApiVersion, UUID_REGEX } from '../transport';

type CreateItem = Parameters<Parameters<typeof fanvue.operation>[0]['execute']>[0];

/** The fan and, in agency mode, the creator the chat is for: checked before anything is sent. */
function readTarget(item: CreateItem): { fanUuid: string; creatorUuid: string | undefined } {
	const fanUuid = item.read.requiredUuid(item.param('fan'), 'Fan');
	const creatorUuid =
		readCreatorUuid(item.param('creator'), item.read) ??
		item.read.uuid(item.option('creatorUuid'), 'As Creator (Agency)');
	return { fanUuid, creatorUuid };
}

export const create = fanvue.operation({
	value: 'create',
	name: 'Create',
	description: 'Open a chat with a fan, optionally as one of your agency creators',
	action: 'Create a chat',
	properties: [
		creatorLocator(undefined),
		{
			displayName: 'Fan',
			name: 'fan',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			description:
				"The fan to open a chat with: the fan's Fanvue user UUID (as in the fan list, from Fanvue's chat list GET /chats, or GET /creators/{uuid}/chats for an agency creator), not a handle or name",
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
	],
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
	],

	async execute(item, client) {
		const { fanUuid, creatorUuid } = readTarget(item);
		const apiVersion = readApiVersion(item);
		// Not idempotent: only a 429 (refused before acting) is ever sent again.
		const answer = await client.post(
			creatorUuid ? `/creators/${creatorUuid}/chats` : '/chats',
			{ userUuid: fanUuid },
			{
				call: {
					apiVersion,
					scopes: creatorUuid ? ['write:chat', 'read:creator'] : ['write:chat'],
					notFoundHint: creatorUuid
						? "Check the fan's UUID and the creator's UUID: the creator must be one your agency manages."
						: "Check the fan's UUID: pick the fan from the list, or copy the UUID from Fanvue.",
					twice: 'open the chat twice',
				},
			},
		);
		const message = (answer.body as IDataObject | undefined)?.message;
		return {
			fanUuid,
			creatorUuid: creatorUuid ?? null,
			created: true,
			message: typeof message === 'string' ? message : null,
		} as IDataObject;
	},

	/**
	 * An earlier try of this execution opened the chat: it is not asked for again (Fanvue may refuse a
	 * chat that exists). After a request that may or may not have arrived, asking again is safe: a
	 * fan has one chat per creator, so it cannot open a second one.
	 */
	async replay(item, client, earlier) {
		if (earlier === 'uncertain') return await create.execute.call(this, item, client);
		const { fanUuid, creatorUuid } = readTarget(item);
		return {
			fanUuid,
			creatorUuid: creatorUuid ?? null,
			created: true,
			message: null,
			createdByEarlierTry: true,
		};
	},
});

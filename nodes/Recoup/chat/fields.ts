import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { recoup } from '../transport';

export const UUID_REGEX =
	'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The artist a chat is about, from the key's artist list or by its UUID. */
export function artistLocator(description: string): INodeProperties {
	return {
		displayName: 'Artist',
		name: 'artist',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchArtists', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
				validation: [
					{
						type: 'regex',
						properties: { regex: UUID_REGEX, errorMessage: 'The artist ID must be a UUID' },
					},
				],
			},
		],
	};
}

/** The field every operation on an existing chat starts from. */
export const chatIdField: INodeProperties = {
	displayName: 'Chat ID',
	name: 'chatId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
	description:
		"The chat's UUID, as given in the output of Create or Get Many (e.g. from the previous node)",
};

function objectOf(value: unknown): IDataObject {
	return (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as IDataObject;
}

/** A chat answer in either of Recoup's shapes (see toChat) holds the chat's ID. */
export const chatAnswer = recoup.answerWith.anyField("the chat's ID", 'id', 'chat.id');

/**
 * One chat shape, whichever of its documented answers Recoup sends (camelCase with a title, or
 * the stored snake_case row with a topic): the same keys every time, null where Recoup sent nothing.
 */
export function toChat(body: unknown): IDataObject {
	const outer = objectOf(body);
	const chat = outer.chat && typeof outer.chat === 'object' ? objectOf(outer.chat) : outer;
	const pick = (...keys: string[]) =>
		keys.map((key) => chat[key]).find((v) => v !== undefined) ?? null;
	return {
		id: pick('id'),
		title: pick('title', 'topic'),
		accountId: pick('accountId', 'account_id'),
		artistId: pick('artistId', 'artist_id'),
		sessionId: pick('sessionId', 'session_id'),
		updatedAt: pick('updatedAt', 'updated_at'),
	};
}

/** A list Recoup answers under `key`, or [] when the answer holds none. */
export function listIn(body: unknown, key: string): unknown[] {
	const list = objectOf(body)[key];
	return Array.isArray(list) ? list : [];
}

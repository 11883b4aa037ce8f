import type { INodeProperties } from 'n8n-workflow';

import { UUID_REGEX, type Readers } from './transport';

/** The Creator field's value for "the connected account itself" (also what an empty value means). */
export const CONNECTED_ACCOUNT = 'me';
export const CONNECTED_ACCOUNT_NAME = 'Me (the connected account)';

/** Who acts: the connected account, or (agencies) one of the creators it manages. */
export function creatorLocator(displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Creator',
		name: 'creator',
		type: 'resourceLocator',
		default: { mode: 'list', value: CONNECTED_ACCOUNT, cachedResultName: CONNECTED_ACCOUNT_NAME },
		description:
			"Who opens the chat. Agency accounts pick one of their creators: the creator's user UUID, from the agency's creator list (Fanvue's GET /creators), not a handle or name. \"me\" or an empty value means the connected account itself.",
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCreators', searchable: true },
			},
			{
				displayName: 'By UUID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
				validation: [
					{
						type: 'regex',
						properties: { regex: UUID_REGEX, errorMessage: "The creator's UUID is not valid" },
					},
				],
			},
		],
	};
}

/** The creator's UUID, or undefined for the connected account ("me" or empty). */
export function readCreatorUuid(
	value: unknown,
	read: Readers,
	field = 'Creator',
): string | undefined {
	const text = read.text(value, field);
	if (text === '' || text.toLowerCase() === CONNECTED_ACCOUNT) return undefined;
	return read.uuid(text, field);
}

/** The fan a chat is with, picked from the chat list or given by UUID. */
export function fanLocator(description: string): INodeProperties {
	return {
		displayName: 'Fan',
		name: 'fan',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description,
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
	};
}

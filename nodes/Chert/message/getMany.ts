import type { IDataObject } from 'n8n-workflow';

import { chatIdProperty, readChatId } from '../chatId';
import { chert } from '../transport';

export const getMany = chert.operation({
	value: 'getMany',
	name: 'Get Many',
	description: "List a chat's messages, sent and received, oldest first",
	action: 'Get many messages',
	properties: [
		chatIdProperty,
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	],

	async execute(item, client) {
		const chatId = readChatId(item);
		const returnAll = item.param('returnAll', false) === true;
		// Limit is only there (and readable) while Return All is off.
		const limit = returnAll ? undefined : Number(item.param('limit', 50));
		if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
			throw item.invalid('Limit', `must be a whole number of 1 or more, not ${limit}`);
		}
		// docs.trychert.com/api/chats/list-messages: the 200 most recent messages, oldest first, and
		// no pagination yet (has_more says older ones were left out).
		const answer = await client.get(`/chats/${encodeURIComponent(chatId)}/messages`, {
			call: { chatId },
		});
		const body = (answer.body ?? {}) as IDataObject;
		const messages = (Array.isArray(body.messages) ? body.messages : []) as IDataObject[];
		// The most recent ones when limited, still oldest first, like the chat reads.
		return limit === undefined ? messages : messages.slice(-limit);
	},
});

import type { IDataObject } from 'n8n-workflow';

import { chatIdProperty, readChatId } from '../chatId';
import { chert } from '../transport';

export const getMany = chert.operation({
	value: 'getMany',
	name: 'Get Many',
	description: "List a chat's messages, sent and received, oldest first",
	action: 'Get many messages',
	properties: [chatIdProperty],
	returnsList: true,

	async execute(item, client) {
		const chatId = readChatId(item);
		const limit = item.limit();
		// docs.trychert.com/api/chats/list-messages: the 200 most recent messages, oldest first, and
		// no pagination yet (has_more says older ones were left out).
		const answer = await client.get(`/chats/${encodeURIComponent(chatId)}/messages`, {
			call: { chatId },
			expect: chert.answerWith.listIn("the chat's messages", 'messages'),
		});
		const body = (answer.body ?? {}) as IDataObject;
		const messages = (Array.isArray(body.messages) ? body.messages : []) as IDataObject[];
		// The most recent ones when limited, still oldest first, like the chat reads.
		return limit === Infinity ? messages : messages.slice(-limit);
	},
});

import type { IDataObject } from 'n8n-workflow';

import { recoup } from '../transport';
import { artistLocator, chatAnswer, toChat } from './fields';

export const create = recoup.operation({
	value: 'create',
	name: 'Create',
	description: 'Create a chat room, optionally about an artist',
	action: 'Create a chat',
	properties: [
		artistLocator(
			"The artist the chat is about, given by the artist's UUID (an ID from the artist list, Recoup's GET /api/artists), not by the artist's name. Leave empty for a chat without an artist.",
		),
		{
			displayName: 'Topic',
			name: 'topic',
			type: 'string',
			default: '',
			placeholder: 'e.g. Pulse Feb 2',
			description:
				'Name of the chat room, sent exactly as typed. When empty, Recoup names it from the first message, if any.',
		},
	],
	options: [
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
			description:
				"The UUID of another Recoup account to create the chat for, one your API key can reach through your organization. Empty: the key's own account.",
		},
		{
			displayName: 'Chat ID',
			name: 'chatId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
			description:
				'A UUID of your choosing for the new chat (not an existing chat: Recoup overwrites the topic and artist of a chat with this ID). Empty: the node makes one that stays the same for this execution (and its retries from the Executions list), node and item, so a retry can never create a second chat.',
		},
		{
			displayName: 'First Message',
			name: 'firstMessage',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description:
				'The opening message, sent exactly as typed. Recoup uses it to title the chat when Topic is empty.',
		},
	],

	async execute(item, client) {
		const { read } = item;
		const artistId = read.uuid(item.param('artist'), 'Artist');
		const topic = read.freeText(item.param('topic'), 'Topic');
		const accountId = read.uuid(item.option('accountId'), 'Account ID');
		const firstMessage = read.freeText(item.option('firstMessage'), 'First Message');
		const chatId = read.uuid(item.option('chatId'), 'Chat ID') ?? item.stableUuid('recoup-chat');

		const body: IDataObject = { chatId };
		if (artistId) body.artistId = artistId;
		if (accountId) body.accountId = accountId;
		if (topic) body.topic = topic;
		if (firstMessage) body.firstMessage = firstMessage;
		// Idempotent: Recoup upserts on the chat ID, so a retry cannot create a second chat.
		const answer = await client.post('/api/chats', body, {
			idempotent: true,
			expect: chatAnswer,
		});
		return toChat(answer.body);
	},
});

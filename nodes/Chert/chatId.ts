import type { INodeProperties } from 'n8n-workflow';

import type { Item } from '../shared';

/** The Chat ID field: the chat.id of Create Chat's output. */
export const chatIdProperty: INodeProperties = {
	displayName: 'Chat ID',
	name: 'chatId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 0f2d3c1a-8b4e-4f6a-90d2-1a3b4c5d6e7f',
	description:
		"The chat's ID from Create Chat's output (the ID in its chat object, a UUID such as 0f2d3c1a-8b4e-4f6a-90d2-1a3b4c5d6e7f), not a message ID",
};

// Chert's chat ids are UUIDs in its docs; anything that could leave the path is refused, and so
// are a bare number (a message's or a row's number, not a chat ID) and text far longer than an ID.
const SAFE_ID = /^[A-Za-z0-9._~-]+$/;
const MAX_ID_LENGTH = 200;

/** The Chat ID as it goes into a chat-scoped path. */
export function readChatId(item: Item): string {
	const chatId = item.read.requiredText(
		item.param('chatId'),
		'Chat ID',
		"Use the chat.id from Create Chat's output.",
	);
	if (chatId.length > MAX_ID_LENGTH) {
		throw item.invalid(
			'Chat ID',
			`must be at most ${MAX_ID_LENGTH} characters, but has ${chatId.length}`,
			"Use the chat.id from Create Chat's output.",
		);
	}
	if (!SAFE_ID.test(chatId) || /^\d+$/.test(chatId)) {
		throw item.invalid(
			'Chat ID',
			`"${chatId}" is not a chat ID`,
			"Use the chat.id from Create Chat's output, such as 0f2d3c1a-8b4e-4f6a-90d2-1a3b4c5d6e7f.",
		);
	}
	return chatId;
}

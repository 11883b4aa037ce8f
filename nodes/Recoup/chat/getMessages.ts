import type { IDataObject } from 'n8n-workflow';

import { recoup } from '../transport';
import { chatIdField, listIn } from './fields';

function objectOf(value: unknown): IDataObject {
	return (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as IDataObject;
}

/** The text of a message: its `content` string, or its text parts joined (AI SDK UI messages). */
function textOf(content: IDataObject): string | null {
	if (typeof content.content === 'string') return content.content;
	const parts = Array.isArray(content.parts) ? (content.parts as IDataObject[]) : [];
	const texts = parts
		.filter((part) => part?.type === 'text' && typeof part.text === 'string')
		.map((part) => part.text as string);
	return texts.length ? texts.join('\n') : null;
}

/** One message as Recoup stores it ({id, room_id, content: {role, parts, content}, updated_at}). */
function toMessage(value: unknown): IDataObject {
	const message = objectOf(value);
	const content = objectOf(message.content);
	return {
		id: message.id ?? null,
		chatId: message.room_id ?? message.roomId ?? null,
		role: content.role ?? null,
		text: textOf(content),
		updatedAt: message.updated_at ?? message.updatedAt ?? null,
		content: message.content ?? null,
	};
}

export const getMessages = recoup.operation({
	value: 'getMessages',
	name: 'Get Messages',
	description:
		'Get the messages of a chat, oldest first: what was asked and what the Recoup agent answered',
	action: 'Get messages of a chat',
	properties: [chatIdField],
	returnsList: true,

	async execute(item, client) {
		const chatId = item.read.requiredUuid(item.param('chatId'), 'Chat ID');
		const limit = item.limit();
		const answer = await client.get(`/api/chats/${chatId}/messages`, {
			call: 'existing chat',
			expect: recoup.answerWith.listIn("the chat's messages", 'data'),
		});
		return listIn(answer.body, 'data').slice(0, limit).map(toMessage);
	},
});

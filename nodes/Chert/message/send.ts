import type { IDataObject } from 'n8n-workflow';

import { chatIdProperty, readChatId } from '../chatId';
import { checkParts, messagePartsProperty, partEntries, toChertParts } from '../parts';
import { chert } from '../transport';

export const send = chert.operation({
	value: 'send',
	name: 'Send',
	description: 'Send a follow-up message (text, rich links, files) in an existing chat',
	action: 'Send a message',
	properties: [
		chatIdProperty,
		messagePartsProperty({
			description:
				'The follow-up, sent in this order. Unlike the first message, it may carry links in its text, and links and files in a group chat too.',
			text: 'The text to send, exactly as typed. Links are allowed in a follow-up; add a Rich Link part to show one as a preview.',
		}),
	],
	options: [
		{
			displayName: 'Idempotency Key',
			name: 'idempotencyKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. followup-day-3-{{ $json.leadId }}',
			description:
				'Chert sends one message per key. Empty: the node makes a key that stays the same for this execution (and its retries from the Executions list), node and item, so no retry sends a second message. Your own key must differ per message.',
		},
	],

	async execute(item, client) {
		const chatId = readChatId(item);
		const parts = checkParts(
			item,
			partEntries(item.param('parts', {})),
			{ firstMessage: false },
			this.getInputData()[item.index]?.binary,
		);
		const idempotencyKey =
			item.read.text(item.option('idempotencyKey'), 'Idempotency Key') ||
			`n8n-${item.stableKey('chert-send-message').slice(0, 48)}`;
		const message: IDataObject = {
			parts: await toChertParts(this, item, client, parts),
			idempotency_key: idempotencyKey,
		};
		// Idempotent: Chert answers a repeated key and body with the original message.
		const answer = await client.post(
			`/chats/${encodeURIComponent(chatId)}/messages`,
			{ message },
			{ idempotent: true, call: { chatId } },
		);
		const body = (answer.body ?? {}) as IDataObject;
		return { message: body.message ?? null };
	},
});

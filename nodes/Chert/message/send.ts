import { NodeApiError, type IDataObject } from 'n8n-workflow';

import { chatIdProperty, readChatId } from '../chatId';
import { checkParts, messagePartsProperty, partEntries, toChertParts } from '../parts';
import { chert, type ChertClient } from '../transport';

/**
 * Chert refuses a used key with another body (409). The node's own key is the same on every try of
 * this item in this execution, so the message went out on an earlier try, and the item now carries
 * another body: the message was changed before a retry, or a file was uploaded anew.
 */
function sentByEarlierTry(error: unknown, toError: ChertClient['error']): unknown {
	if (!(error instanceof NodeApiError) || error.httpCode !== '409') return error;
	const said = (error.errorResponse ?? {}) as IDataObject;
	return toError({
		statusCode: 409,
		code: said.code as string | number | undefined,
		traceId: said.traceId as string | undefined,
		message: `The message for this item was already sent by an earlier try of this execution (Chert: ${String(said.message ?? 'idempotency key already used')})`,
		hint: "Chert sends one message per idempotency key, and this item's message has changed since that try, so the changed message was not sent as a second one. Check the chat in Chert. To send the changed message as well, run the workflow again as a new execution, or set Options > Idempotency Key.",
	});
}

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
		const ownKey = item.read.text(item.option('idempotencyKey'), 'Idempotency Key');
		const idempotencyKey = ownKey || `n8n-${item.stableKey('chert-send-message').slice(0, 48)}`;
		const message: IDataObject = {
			parts: await toChertParts(this, item, client, parts),
			idempotency_key: idempotencyKey,
		};
		// Idempotent: Chert answers a repeated key and body with the original message.
		const answer = await client
			.post(
				`/chats/${encodeURIComponent(chatId)}/messages`,
				{ message },
				{
					idempotent: true,
					call: { chatId },
					expect: chert.answerWith.fields("the sent message's ID", 'message.id'),
				},
			)
			.catch((error: unknown) =>
				Promise.reject(ownKey ? error : sentByEarlierTry(error, client.error)),
			);
		const body = (answer.body ?? {}) as IDataObject;
		return { message: body.message ?? null };
	},
});

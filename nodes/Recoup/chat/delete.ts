import { NodeApiError, type IDataObject } from 'n8n-workflow';

import { recoup } from '../transport';
import { chatIdField } from './fields';

/** Recoup's answer for a chat that does not exist (any more): "Chat room not found". */
function isChatNotFound(error: unknown): boolean {
	return (
		error instanceof NodeApiError &&
		error.httpCode === '404' &&
		/chat.*not found/i.test(String(error.errorResponse?.message ?? ''))
	);
}

export const deleteChat = recoup.operation({
	value: 'delete',
	name: 'Delete',
	description:
		'Delete a chat and its messages for good. A chat that is already gone counts as deleted, so a retry is safe.',
	action: 'Delete a chat',
	properties: [chatIdField],

	async execute(item, client) {
		const chatId = item.read.requiredUuid(item.param('chatId'), 'Chat ID');
		// Idempotent: a second delete of the same chat deletes nothing more. A retry after a timeout
		// (or a re-run) finds the chat gone: it is deleted, as asked, so the item does not fail.
		const answer = await client
			// Recoup reads the chat's ID from the body.
			.delete(
				'/api/chats',
				{ id: chatId },
				{
					idempotent: true,
					call: 'existing chat',
				},
			)
			.catch((error: unknown) => (isChatNotFound(error) ? undefined : Promise.reject(error)));
		if (!answer) {
			return {
				id: chatId,
				deleted: true,
				alreadyDeleted: true,
				message: 'Recoup has no chat with this ID: it was already deleted, or never existed.',
			};
		}
		const said = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as IDataObject;
		return { id: chatId, deleted: true, alreadyDeleted: false, message: said.message ?? null };
	},
});

import type { IDataObject } from 'n8n-workflow';

import {
	contactIdentifierField,
	contactPath,
	conversationIdField,
	readContactIdentifier,
	readConversationId,
} from '../contact';
import { chatwoot } from '../transport';

export const resolve = chatwoot.operation({
	value: 'resolve',
	name: 'Resolve',
	description:
		"Mark a conversation resolved, as the contact. Chatwoot's public API cannot reopen one: a new message from the contact reopens it.",
	action: 'Resolve a conversation',
	properties: [contactIdentifierField, conversationIdField],

	async execute(item, client) {
		const contactIdentifier = readContactIdentifier(item, client);
		const conversationId = readConversationId(item);
		// Idempotent: Chatwoot leaves a resolved conversation as it is.
		const answer = await client.post(
			`${contactPath(contactIdentifier)}/conversations/${conversationId}/toggle_status`,
			{},
			{
				idempotent: true,
				call: 'resolve',
				expect: chatwoot.answerWith.fields("the conversation's ID", 'id'),
			},
		);
		return { ...((answer.body ?? {}) as IDataObject), contactIdentifier };
	},
});

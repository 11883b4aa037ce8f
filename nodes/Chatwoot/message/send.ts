import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import {
	contactIdentifierField,
	contactPath,
	conversationIdField,
	readContactIdentifier,
	readConversationId,
} from '../contact';
import { chatwoot, messageAnswer } from '../transport';

export const send = chatwoot.operation({
	value: 'send',
	name: 'Send',
	description:
		'Post a message as the contact into an existing conversation: it arrives as their incoming message, not as an agent reply',
	action: 'Send a message',
	properties: [
		contactIdentifierField,
		conversationIdField,
		{
			displayName: 'Content',
			name: 'content',
			type: 'string',
			typeOptions: { rows: 3 },
			required: true,
			default: '',
			description:
				"The message's text, sent exactly as typed. It appears in Chatwoot as an incoming message from the contact.",
		},
	],

	async execute(item, client) {
		const contactIdentifier = readContactIdentifier(item, client);
		const conversationId = readConversationId(item);
		const content = item.read.freeText(item.param('content'), 'Content');
		if (content === '') throw item.invalid('Content', 'is required', 'Give the message a text.');
		// echo_id only travels back in Chatwoot's live events (ActionCable) to match this send:
		// Chatwoot keeps no record of it, so it does not make a second send harmless.
		const echoId = item.stableUuid('chatwoot-message');
		const answer = await client.post(
			`${contactPath(contactIdentifier)}/conversations/${conversationId}/messages`,
			{ content, echo_id: echoId },
			{ idempotent: false, call: 'message', expect: messageAnswer },
		);
		return { ...((answer.body ?? {}) as IDataObject), echoId, contactIdentifier };
	},

	/** An earlier try of this execution posted the message, or may have: it is not posted again. */
	async replay(item, client, earlier) {
		const contactIdentifier = readContactIdentifier(item, client);
		const conversationId = readConversationId(item);
		if (earlier === 'sent') {
			return {
				contactIdentifier,
				conversationId: Number(conversationId),
				sentByEarlierTry: true,
				note: "An earlier try of this execution posted this item's message, so it was not posted again.",
			};
		}
		throw new NodeOperationError(
			this.getNode(),
			'The message may already be posted: an earlier try of this item failed after its request reached Chatwoot',
			{
				itemIndex: item.index,
				description: `The request timed out, lost its connection or met a server error, so Chatwoot may have posted it then. Look at conversation ${conversationId} in Chatwoot; the node does not post it again in this execution. To post it anyway, run the workflow again as a new execution.`,
			},
		);
	},
});

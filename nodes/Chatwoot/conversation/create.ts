import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import type { Item } from '../../shared';
import { readAttributes } from '../attributes';
import { contactDescription, resolveContact, type ResolvedContact } from '../contact';
import { chatwoot, messageAnswer, type ChatwootClient } from '../transport';

const conversationsPath = (contactIdentifier: string) =>
	`/contacts/${encodeURIComponent(contactIdentifier)}/conversations`;

/** A failed request as an item's output fields, the same as a Continue On Fail item shows. */
function failureOf(error: unknown): IDataObject {
	const { message, description } = error as { message?: string; description?: string };
	const output: IDataObject = { error: message ?? String(error) };
	if (description) output.description = description;
	if (error instanceof NodeApiError) {
		for (const [key, value] of Object.entries(error.errorResponse ?? {})) {
			if (key !== 'message' && key !== 'provider') output[key] = value as IDataObject[string];
		}
	}
	return output;
}

async function sendFirstMessage(
	item: Item,
	client: ChatwootClient,
	path: string,
	content: string,
): Promise<IDataObject> {
	const echoId = item.stableUuid('chatwoot-first-message');
	const answer = await client.post(
		path,
		{ content, echo_id: echoId },
		{ idempotent: false, call: 'message', expect: messageAnswer },
	);
	return { sent: true, echoId, message: answer.body as IDataObject };
}

async function createConversation(
	item: Item,
	client: ChatwootClient,
	resolved?: ResolvedContact,
): Promise<IDataObject> {
	const attributes = readAttributes(
		item.param('customAttributes', {}),
		item.option('customAttributesJson'),
		item,
		'Custom Attributes',
	);
	const firstMessage = item.read.freeText(item.param('firstMessage'), 'First Message');
	const { contactIdentifier } =
		resolved ?? (await resolveContact(item, client, item.option('contactAttributesJson')));
	const path = conversationsPath(contactIdentifier);

	const answer = await client.post(path, attributes ? { custom_attributes: attributes } : {}, {
		idempotent: false,
		call: 'conversation',
		expect: chatwoot.answerWith.fields("the created conversation's ID", 'id'),
	});
	const conversation = (answer.body ?? {}) as IDataObject;
	const output: IDataObject = { ...conversation, contactIdentifier };

	if (firstMessage) {
		const conversationId = conversation.id;
		try {
			output.firstMessage = await sendFirstMessage(
				item,
				client,
				`${path}/${encodeURIComponent(String(conversationId))}/messages`,
				firstMessage,
			);
		} catch (error) {
			// Throwing would let Retry On Fail open a second conversation: report it on the item instead.
			const failure = failureOf(error);
			output.firstMessage = {
				sent: false,
				conversationId: conversationId ?? null,
				...failure,
				description:
					`Conversation ${String(conversationId)} was created, but its first message was not sent. Running the node again would open a second conversation: post the message to conversation ${String(conversationId)} instead. ${String(failure.description ?? '')}`.trim(),
			};
		}
	}
	return output;
}

export const create = chatwoot.operation({
	value: 'create',
	name: 'Create',
	description: 'Open a conversation for a contact, optionally with a first message',
	action: 'Create a conversation',
	properties: [
		...contactDescription(),
		{
			displayName: 'Custom Attributes',
			name: 'customAttributes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Attribute',
			default: {},
			description: "The conversation's custom attributes",
			options: [
				{
					displayName: 'Attribute',
					name: 'attribute',
					values: [
						{ displayName: 'Key', name: 'key', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'First Message',
			name: 'firstMessage',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description:
				'Optional. Posted as an incoming message from the contact once the conversation exists.',
		},
	],
	options: [
		{
			displayName: 'Contact Custom Attributes (JSON)',
			name: 'contactAttributesJson',
			type: 'json',
			default: '{}',
			description:
				'Custom attributes of a contact the node creates, as a JSON object. Keys here win over the key/value pairs.',
		},
		{
			displayName: 'Custom Attributes (JSON)',
			name: 'customAttributesJson',
			type: 'json',
			default: '{}',
			description:
				"The conversation's custom attributes as a JSON object. Keys here win over the key/value pairs.",
		},
	],

	async execute(item, client) {
		return await createConversation(item, client);
	},

	/**
	 * An earlier try of this execution already handled the item: Chatwoot cannot tell a second
	 * create from a new conversation, so the node does not create it again. A contact the node
	 * created for this item holds only this item's conversations: that one is looked up and handed
	 * back. For a contact chosen by identifier, other conversations may be there too.
	 */
	async replay(item, client, earlier) {
		const resolved = await resolveContact(item, client, item.option('contactAttributesJson'));
		const { contactIdentifier, createdContact } = resolved;
		if (!createdContact) {
			if (earlier === 'sent') {
				return {
					contactIdentifier,
					createdByEarlierTry: true,
					note: "An earlier try of this execution created this item's conversation, so it was not created again. Its ID is in that try's output, and among the contact's conversations in Chatwoot.",
				};
			}
			throw new NodeOperationError(
				this.getNode(),
				'The conversation may already exist: an earlier try of this item failed after its request reached Chatwoot',
				{
					itemIndex: item.index,
					description: `The request timed out, lost its connection or met a server error, so Chatwoot may have created it then. Look at the conversations of contact ${contactIdentifier} in Chatwoot; the node does not create a second one in this execution. To create one anyway, run the workflow again as a new execution.`,
				},
			);
		}
		const answer = await client.get(conversationsPath(contactIdentifier), {
			call: 'conversation',
			expect: chatwoot.answerWith.list("the contact's conversations"),
		});
		const conversations = (Array.isArray(answer.body) ? answer.body : []) as IDataObject[];
		const newest = conversations.reduce<IDataObject | undefined>(
			(found, conversation) =>
				Number(conversation.id) > Number(found?.id ?? -Infinity) ? conversation : found,
			undefined,
		);
		// Nothing there: the uncertain earlier request did not create it after all.
		if (!newest) return await createConversation(item, client, resolved);
		return { ...newest, contactIdentifier, createdByEarlierTry: true };
	},
});

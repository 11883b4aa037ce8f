import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { failureFields } from '../../shared/errors';
import type { ItemState } from '../../shared/execution-record';
import { stableItemKey, uuidFromKey } from '../../shared/idempotency';
import { runOptions, type RunSettings } from '../../shared/items';
import { sendProviderRequest } from '../../shared/request';
import { readFreeText } from '../../shared/validate';
import { readAttributes } from '../attributes';
import { contactDescription, resolveContact, type ResolvedContact } from '../contact';
import { chatwootApi, getChatwootConnection } from '../transport';

const show = { resource: ['conversation'], operation: ['create'] };

export const description: INodeProperties[] = [
	...contactDescription(show),
	{
		displayName: 'Custom Attributes',
		name: 'customAttributes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Attribute',
		default: {},
		description: "The conversation's custom attributes",
		displayOptions: { show },
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
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
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
			...runOptions,
		],
	},
];

async function sendFirstMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	url: string,
	content: string,
	secrets: string[],
	settings: RunSettings,
): Promise<IDataObject> {
	const echoId = uuidFromKey(stableItemKey(ctx, itemIndex, 'chatwoot-first-message'));
	const answer = await sendProviderRequest(
		ctx,
		chatwootApi('message', false),
		{ method: 'POST', url, body: { content, echo_id: echoId }, idempotent: false },
		{ itemIndex, secrets, maxWaitMs: settings.maxWaitMs },
	);
	return { sent: true, echoId, message: answer.body as IDataObject };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: RunSettings,
	resolved?: ResolvedContact,
): Promise<IDataObject> {
	const node = this.getNode();
	const at = (field: string) => ({ node, itemIndex, field });
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attributes = readAttributes(
		this.getNodeParameter('customAttributes', itemIndex, {}),
		options.customAttributesJson,
		at('Custom Attributes'),
	);
	const firstMessage = readFreeText(
		this.getNodeParameter('firstMessage', itemIndex, ''),
		at('First Message'),
	);
	const connection = await getChatwootConnection(this, itemIndex);
	const { contactIdentifier } =
		resolved ??
		(await resolveContact(this, itemIndex, connection, options.contactAttributesJson, settings));
	const conversationsUrl = `${connection.inboxUrl}/contacts/${encodeURIComponent(contactIdentifier)}/conversations`;

	const answer = await sendProviderRequest(
		this,
		chatwootApi('conversation', false),
		{
			method: 'POST',
			url: conversationsUrl,
			body: attributes ? { custom_attributes: attributes } : {},
			idempotent: false,
		},
		{ itemIndex, secrets: connection.secrets, maxWaitMs: settings.maxWaitMs },
	);
	const conversation = (answer.body ?? {}) as IDataObject;
	const output: IDataObject = { ...conversation, contactIdentifier };

	if (firstMessage) {
		const conversationId = conversation.id;
		try {
			output.firstMessage = await sendFirstMessage(
				this,
				itemIndex,
				`${conversationsUrl}/${encodeURIComponent(String(conversationId))}/messages`,
				firstMessage,
				connection.secrets,
				settings,
			);
		} catch (error) {
			// Throwing would let Retry On Fail open a second conversation: report it on the item instead.
			const failure = failureFields(error);
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

/**
 * An earlier try of this execution already handled the item: Chatwoot cannot tell a second
 * create from a new conversation, so the node does not create it again. A contact the node
 * created for this item holds only this item's conversations: that one is looked up and handed
 * back. For a contact chosen by identifier, other conversations may be there too.
 */
export async function replay(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: RunSettings,
	earlier: ItemState,
): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const connection = await getChatwootConnection(this, itemIndex);
	const resolved = await resolveContact(
		this,
		itemIndex,
		connection,
		options.contactAttributesJson,
		settings,
	);
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
				itemIndex,
				description: `The request timed out, lost its connection or met a server error, so Chatwoot may have created it then. Look at the conversations of contact ${contactIdentifier} in Chatwoot; the node does not create a second one in this execution. To create one anyway, run the workflow again as a new execution.`,
			},
		);
	}
	const conversationsUrl = `${connection.inboxUrl}/contacts/${encodeURIComponent(contactIdentifier)}/conversations`;
	const answer = await sendProviderRequest(
		this,
		chatwootApi('conversation', false),
		{ method: 'GET', url: conversationsUrl, idempotent: true },
		{ itemIndex, secrets: connection.secrets, maxWaitMs: settings.maxWaitMs },
	);
	const conversations = (Array.isArray(answer.body) ? answer.body : []) as IDataObject[];
	const newest = conversations.reduce<IDataObject | undefined>(
		(found, conversation) =>
			Number(conversation.id) > Number(found?.id ?? -Infinity) ? conversation : found,
		undefined,
	);
	// Nothing there: the uncertain earlier request did not create it after all.
	if (!newest) return await execute.call(this, itemIndex, settings, resolved);
	return { ...newest, contactIdentifier, createdByEarlierTry: true };
}

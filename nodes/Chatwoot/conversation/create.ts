import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failureFields } from '../../shared/errors';
import { stableItemKey, uuidFromKey } from '../../shared/idempotency';
import { runOptions, type RunSettings } from '../../shared/items';
import { sendProviderRequest } from '../../shared/request';
import { readText } from '../../shared/validate';
import { readAttributes } from '../attributes';
import { contactDescription, resolveContact } from '../contact';
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
): Promise<IDataObject> {
	const node = this.getNode();
	const at = (field: string) => ({ node, itemIndex, field });
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attributes = readAttributes(
		this.getNodeParameter('customAttributes', itemIndex, {}),
		options.customAttributesJson,
		at('Custom Attributes'),
	);
	const firstMessage = readText(
		this.getNodeParameter('firstMessage', itemIndex, ''),
		at('First Message'),
	);
	const connection = await getChatwootConnection(this, itemIndex);
	const { contactIdentifier } = await resolveContact(
		this,
		itemIndex,
		connection,
		options.contactAttributesJson,
		settings,
	);
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

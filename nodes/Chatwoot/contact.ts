import { createHmac } from 'node:crypto';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Item } from '../shared';
import { readAttributes } from './attributes';
import type { ChatwootClient, ChatwootConnection } from './transport';

export const contactDescription = () => {
	const forMode = (mode: string) => ({ show: { contactSource: [mode] } });
	const properties: INodeProperties[] = [
		{
			displayName: 'Contact',
			name: 'contactSource',
			type: 'options',
			options: [
				{
					name: 'By Contact Identifier',
					value: 'identifier',
					description: "A contact's source_id in this inbox, for example from an expression",
				},
				{
					name: 'Create Contact',
					value: 'create',
					description: 'Create the contact in this inbox first, then use its source_ID',
				},
				{
					name: 'Default From Credential',
					value: 'credential',
					description: 'The Default Contact Identifier saved in the Chatwoot credential',
				},
			],
			default: 'identifier',
		},
		{
			displayName: 'Contact Identifier',
			name: 'contactIdentifier',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 4b7c1e52-2f1a-4c3d-9e8f-0a1b2c3d4e5f',
			description:
				"The contact's source_id in this inbox: a UUID-like text that Chatwoot returned when the contact was created in this inbox (for example by this node's Create Contact, as contactIdentifier in its output). Not the contact's numeric ID, email or name.",
			displayOptions: forMode('identifier'),
		},
		{
			displayName: 'Name',
			name: 'contactName',
			type: 'string',
			default: '',
			description:
				"The contact's name as agents see it in Chatwoot. Empty: Chatwoot makes up a name.",
			displayOptions: forMode('create'),
		},
		{
			displayName: 'Email',
			name: 'contactEmail',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: "The contact's email address, such as ada@example.com",
			displayOptions: forMode('create'),
		},
		{
			displayName: 'Phone Number',
			name: 'contactPhoneNumber',
			type: 'string',
			placeholder: 'e.g. +14155551234',
			default: '',
			description: 'In E.164 format: a plus sign, the country code and the number',
			displayOptions: forMode('create'),
		},
		{
			displayName: 'External Identifier',
			name: 'externalIdentifier',
			type: 'string',
			default: '',
			placeholder: 'e.g. crm-10492',
			description:
				'Your own ID for this person (Chatwoot\'s contact "identifier"). Chatwoot reuses the contact that already has it. Required when the credential has an HMAC token.',
			displayOptions: forMode('create'),
		},
		{
			displayName: 'Contact Custom Attributes',
			name: 'contactAttributes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Attribute',
			default: {},
			displayOptions: forMode('create'),
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
	];
	return properties;
};

export interface ResolvedContact {
	/** The contact's source_id in this inbox: the path segment of every contact route. */
	contactIdentifier: string;
	/** What Chatwoot answered when the node created the contact. */
	createdContact?: IDataObject;
}

export function identifierHash(hmacToken: string, identifier: string): string {
	return createHmac('sha256', hmacToken).update(identifier).digest('hex');
}

/** The contact to create, read and checked before anything is sent. */
function readNewContact(item: Item, hmacToken: string, attributesJson: unknown): IDataObject {
	const { read } = item;
	const body: IDataObject = {};
	const name = read.text(item.param('contactName'), 'Name');
	if (name) body.name = name;
	const email = read.email(item.param('contactEmail'), 'Email');
	if (email) body.email = email;
	if (read.text(item.param('contactPhoneNumber'), 'Phone Number') !== '') {
		body.phone_number = read.e164(item.param('contactPhoneNumber'), 'Phone Number');
	}
	const identifier = read.text(item.param('externalIdentifier'), 'External Identifier');
	if (hmacToken) {
		if (identifier === '') {
			throw item.invalid(
				'External Identifier',
				'is required when the credential has an HMAC token',
				"Chatwoot's identity validation signs the contact's identifier: give the contact one, or remove the HMAC token from the credential.",
			);
		}
		body.identifier_hash = identifierHash(hmacToken, identifier);
	}
	if (identifier) body.identifier = identifier;
	const attributes = readAttributes(
		item.param('contactAttributes', {}),
		attributesJson,
		item,
		'Contact Custom Attributes',
	);
	if (attributes) body.custom_attributes = attributes;
	return body;
}

/**
 * Checks the item's contact choice and, for Create Contact, creates it. The contact carries a
 * source_id derived from the item, and Chatwoot returns the existing contact for a known
 * source_id, so a contact is never created twice for one item.
 */
export async function resolveContact(
	item: Item,
	client: ChatwootClient,
	attributesJson: unknown,
): Promise<ResolvedContact> {
	const { connection } = client;
	const source = item.param('contactSource') as string;
	if (source === 'credential') {
		return { contactIdentifier: defaultContact(item, connection) };
	}
	if (source === 'identifier') {
		const contactIdentifier = item.read.requiredText(
			item.param('contactIdentifier'),
			'Contact Identifier',
			"The contact's source_id in this inbox, as returned when the contact was created.",
		);
		return { contactIdentifier };
	}
	const body = readNewContact(item, connection.hmacToken, attributesJson);
	body.source_id = item.stableUuid('chatwoot-contact');
	const answer = await client.post('/contacts', body, { idempotent: true, call: 'contact' });
	const createdContact = (answer.body ?? {}) as IDataObject;
	const contactIdentifier = item.read.text(createdContact.source_id, 'source_id');
	return { contactIdentifier: contactIdentifier || String(body.source_id), createdContact };
}

/** The credential's Default Contact Identifier, or an input error naming it. */
export function defaultContact(item: Item, connection: ChatwootConnection): string {
	if (connection.defaultContactIdentifier === '') {
		throw item.invalid(
			"The credential's Default Contact Identifier",
			'is empty',
			'Set it in the Chatwoot credential, or choose another Contact option.',
		);
	}
	return connection.defaultContactIdentifier;
}

/** The contact of a follow-up operation: typed, or the credential's default when left empty. */
export const contactIdentifierField: INodeProperties = {
	displayName: 'Contact Identifier',
	name: 'contactIdentifier',
	type: 'string',
	default: '',
	placeholder: 'e.g. 4b7c1e52-2f1a-4c3d-9e8f-0a1b2c3d4e5f',
	description:
		"The contact's source_id in this inbox: contactIdentifier in the output of Create Conversation or Create Contact. Not the contact's numeric ID, email or name. Empty: the credential's Default Contact Identifier.",
};

export function readContactIdentifier(item: Item, client: ChatwootClient): string {
	const typed = item.read.text(item.param('contactIdentifier'), 'Contact Identifier');
	return typed || defaultContact(item, client.connection);
}

export const conversationIdField: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 42',
	description:
		"The conversation's number in Chatwoot: the ID in the output of Create Conversation or Get Many Conversations, also the number in the conversation's URL in Chatwoot",
};

export function readConversationId(item: Item): string {
	const id = item.read.requiredText(item.param('conversationId'), 'Conversation ID');
	if (!/^\d+$/.test(id)) {
		throw item.invalid(
			'Conversation ID',
			`must be a number, but got "${id}"`,
			"Use id from Create Conversation's output, not the conversation's uuid.",
		);
	}
	return id;
}

export const contactPath = (contactIdentifier: string) =>
	`/contacts/${encodeURIComponent(contactIdentifier)}`;

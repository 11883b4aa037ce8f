import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Item } from '../shared';
import {
	contactFields,
	identity,
	readContactBody,
	type ContactFieldNames,
} from './contacts/fields';
import { createdContactAnswer, type ChatwootClient, type ChatwootConnection } from './transport';

/** Create Conversation's "Create Contact" fields: their names predate Contact → Create's. */
const NEW_CONTACT_FIELDS: ContactFieldNames = {
	name: 'contactName',
	email: 'contactEmail',
	phoneNumber: 'contactPhoneNumber',
	attributesLabel: 'Contact Custom Attributes',
};

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
		...contactFields(NEW_CONTACT_FIELDS, forMode('create')),
	];
	return properties;
};

export interface ResolvedContact {
	/** The contact's source_id in this inbox: the path segment of every contact route. */
	contactIdentifier: string;
	/** What Chatwoot answered when the node created the contact. */
	createdContact?: IDataObject;
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
		return { contactIdentifier: checkedIdentifier(item, contactIdentifier) };
	}
	const body = {
		...readContactBody(item, NEW_CONTACT_FIELDS, attributesJson),
		...identity(item, connection.hmacToken, true),
	} as IDataObject;
	body.source_id = item.stableUuid('chatwoot-contact');
	const answer = await client.post('/contacts', body, {
		idempotent: true,
		call: 'contact',
		expect: createdContactAnswer,
	});
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

/** Chatwoot stores a source_id in a 255-character column; the public API makes them UUIDs. */
const MAX_IDENTIFIER_LENGTH = 255;

export function readContactIdentifier(item: Item, client: ChatwootClient): string {
	const typed = item.read.text(item.param('contactIdentifier'), 'Contact Identifier');
	return typed ? checkedIdentifier(item, typed) : defaultContact(item, client.connection);
}

function checkedIdentifier(item: Item, typed: string): string {
	if (typed.length > MAX_IDENTIFIER_LENGTH) {
		throw item.invalid(
			'Contact Identifier',
			`must be at most ${MAX_IDENTIFIER_LENGTH} characters, but has ${typed.length}`,
			CONTACT_IDENTIFIER_HINT,
		);
	}
	// A contact's number (its id) is the usual mistake; a source_id holds no spaces.
	if (/^\d+$/.test(typed) || /\s/.test(typed)) {
		throw item.invalid(
			'Contact Identifier',
			`"${typed}" is not a contact identifier`,
			CONTACT_IDENTIFIER_HINT,
		);
	}
	return typed;
}

const CONTACT_IDENTIFIER_HINT =
	"Use the contact's source_id: contactIdentifier in the output of Create Contact or Create Conversation, not the contact's numeric id.";

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

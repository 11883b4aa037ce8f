import { createHmac } from 'node:crypto';
import type { IDataObject, IDisplayOptions, INodeProperties } from 'n8n-workflow';

import type { Item } from '../../shared';
import { readAttributes } from '../attributes';

/**
 * The parameter names of a contact's fields. Contact → Create and Update use the plain names;
 * Create Conversation's "Create Contact" step keeps its own, so saved workflows still open.
 */
export interface ContactFieldNames {
	name: string;
	email: string;
	phoneNumber: string;
	/** The label of the Custom Attributes field, as it is named in errors too. */
	attributesLabel: string;
}

export const CONTACT_FIELDS: ContactFieldNames = {
	name: 'name',
	email: 'email',
	phoneNumber: 'phoneNumber',
	attributesLabel: 'Custom Attributes',
};

/** Name, email, phone, identifier and custom attributes, as Chatwoot's contact takes them. */
export function contactFields(
	names: ContactFieldNames,
	displayOptions?: IDisplayOptions,
): INodeProperties[] {
	const fields: INodeProperties[] = [
		{
			displayName: 'Name',
			name: names.name,
			type: 'string',
			default: '',
			description:
				"The contact's name as agents see it in Chatwoot. Empty when creating: Chatwoot makes up a name.",
		},
		{
			displayName: 'Email',
			name: names.email,
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: "The contact's email address, such as ada@example.com",
		},
		{
			displayName: 'Phone Number',
			name: names.phoneNumber,
			type: 'string',
			placeholder: 'e.g. +14155551234',
			default: '',
			description: 'In E.164 format: a plus sign, the country code and the number',
		},
		{
			displayName: 'External Identifier',
			name: 'externalIdentifier',
			type: 'string',
			default: '',
			placeholder: 'e.g. crm-10492',
			description:
				'Your own ID for this person (Chatwoot\'s contact "identifier"): Chatwoot reuses the contact that already has it. With an HMAC token in the credential, the node signs it (identifier_hash), and a new contact needs one.',
		},
		{
			displayName: names.attributesLabel,
			name: 'contactAttributes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Attribute',
			default: {},
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
	return displayOptions ? fields.map((field) => ({ ...field, displayOptions })) : fields;
}

export const attributesJsonOption: INodeProperties = {
	displayName: 'Custom Attributes (JSON)',
	name: 'contactAttributesJson',
	type: 'json',
	default: '{}',
	description:
		"The contact's custom attributes as a JSON object. Keys here win over the key/value pairs.",
};

function identifierHash(hmacToken: string, identifier: string): string {
	return createHmac('sha256', hmacToken).update(identifier).digest('hex');
}

/** The identity fields for an HMAC inbox: identifier and its identifier_hash. */
export function identity(item: Item, hmacToken: string, required: boolean): IDataObject {
	const identifier = item.read.text(item.param('externalIdentifier'), 'External Identifier');
	if (!hmacToken) return identifier ? { identifier } : {};
	if (identifier === '') {
		if (!required) return {};
		throw item.invalid(
			'External Identifier',
			'is required when the credential has an HMAC token',
			"Chatwoot's identity validation signs the contact's identifier: give the contact one, or remove the HMAC token from the credential.",
		);
	}
	return { identifier, identifier_hash: identifierHash(hmacToken, identifier) };
}

/** The contact's fields as Chatwoot takes them, checked before anything is sent. */
export function readContactBody(
	item: Item,
	names: ContactFieldNames = CONTACT_FIELDS,
	attributesJson: unknown = item.option('contactAttributesJson'),
): IDataObject {
	const { read } = item;
	const body: IDataObject = {};
	const name = read.text(item.param(names.name), 'Name');
	if (name) body.name = name;
	const email = read.email(item.param(names.email), 'Email');
	if (email) body.email = email;
	if (read.text(item.param(names.phoneNumber), 'Phone Number') !== '') {
		body.phone_number = read.e164(item.param(names.phoneNumber), 'Phone Number');
	}
	const attributes = readAttributes(
		item.param('contactAttributes', {}),
		attributesJson,
		item,
		names.attributesLabel,
	);
	if (attributes) body.custom_attributes = attributes;
	return body;
}

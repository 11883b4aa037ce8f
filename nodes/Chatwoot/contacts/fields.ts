import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Item } from '../../shared';
import { readAttributes } from '../attributes';
import { identifierHash } from '../contact';

/** Name, email, phone, identifier and custom attributes, as Create and Update send them. */
export const contactFields: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: "The contact's name as agents see it in Chatwoot",
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "The contact's email address, such as ada@example.com",
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
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
			'Your own ID for this person (Chatwoot\'s contact "identifier"). With an HMAC token in the credential, the node signs it (identifier_hash); required then.',
	},
	{
		displayName: 'Custom Attributes',
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

export const attributesJsonOption: INodeProperties = {
	displayName: 'Custom Attributes (JSON)',
	name: 'contactAttributesJson',
	type: 'json',
	default: '{}',
	description:
		"The contact's custom attributes as a JSON object. Keys here win over the key/value pairs.",
};

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

export function readContactBody(item: Item): IDataObject {
	const { read } = item;
	const body: IDataObject = {};
	const name = read.text(item.param('name'), 'Name');
	if (name) body.name = name;
	const email = read.email(item.param('email'), 'Email');
	if (email) body.email = email;
	if (read.text(item.param('phoneNumber'), 'Phone Number') !== '') {
		body.phone_number = read.e164(item.param('phoneNumber'), 'Phone Number');
	}
	const attributes = readAttributes(
		item.param('contactAttributes', {}),
		item.option('contactAttributesJson'),
		item,
		'Custom Attributes',
	);
	if (attributes) body.custom_attributes = attributes;
	return body;
}

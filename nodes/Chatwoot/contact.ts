import { createHmac } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { stableItemKey, uuidFromKey } from '../shared/idempotency';
import type { RunSettings } from '../shared/items';
import { sendProviderRequest } from '../shared/request';
import {
	invalidInput,
	optionalEmail,
	readText,
	requireE164,
	requireText,
	type FieldContext,
} from '../shared/validate';
import { readAttributes } from './attributes';
import { chatwootApi, type ChatwootConnection } from './transport';

export const contactDescription = (show: { resource: string[]; operation: string[] }) => {
	const forMode = (mode: string) => ({ show: { ...show, contactSource: [mode] } });
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
			displayOptions: { show },
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
function readNewContact(
	ctx: IExecuteFunctions,
	itemIndex: number,
	connection: ChatwootConnection,
	attributesJson: unknown,
): IDataObject {
	const node = ctx.getNode();
	const at = (field: string): FieldContext => ({ node, itemIndex, field });
	const param = (name: string) => ctx.getNodeParameter(name, itemIndex, '');
	const body: IDataObject = {};
	const name = readText(param('contactName'), at('Name'));
	if (name) body.name = name;
	const email = optionalEmail(param('contactEmail'), at('Email'));
	if (email) body.email = email;
	if (readText(param('contactPhoneNumber'), at('Phone Number')) !== '') {
		body.phone_number = requireE164(param('contactPhoneNumber'), at('Phone Number'));
	}
	const identifier = readText(param('externalIdentifier'), at('External Identifier'));
	if (connection.hmacToken) {
		if (identifier === '') {
			throw invalidInput(
				node,
				itemIndex,
				'External Identifier',
				'is required when the credential has an HMAC token',
				"Chatwoot's identity validation signs the contact's identifier: give the contact one, or remove the HMAC token from the credential.",
			);
		}
		body.identifier_hash = identifierHash(connection.hmacToken, identifier);
	}
	if (identifier) body.identifier = identifier;
	const attributes = readAttributes(
		ctx.getNodeParameter('contactAttributes', itemIndex, {}),
		attributesJson,
		at('Contact Custom Attributes'),
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
	ctx: IExecuteFunctions,
	itemIndex: number,
	connection: ChatwootConnection,
	attributesJson: unknown,
	settings: RunSettings,
): Promise<ResolvedContact> {
	const node = ctx.getNode();
	const source = ctx.getNodeParameter('contactSource', itemIndex) as string;
	if (source === 'credential') {
		if (connection.defaultContactIdentifier === '') {
			throw invalidInput(
				node,
				itemIndex,
				"The credential's Default Contact Identifier",
				'is empty',
				'Set it in the Chatwoot credential, or choose another Contact option.',
			);
		}
		return { contactIdentifier: connection.defaultContactIdentifier };
	}
	if (source === 'identifier') {
		const contactIdentifier = requireText(
			ctx.getNodeParameter('contactIdentifier', itemIndex, ''),
			{ node, itemIndex, field: 'Contact Identifier' },
			"The contact's source_id in this inbox, as returned when the contact was created.",
		);
		return { contactIdentifier };
	}
	const body = readNewContact(ctx, itemIndex, connection, attributesJson);
	body.source_id = uuidFromKey(stableItemKey(ctx, itemIndex, 'chatwoot-contact'));
	const answer = await sendProviderRequest(
		ctx,
		chatwootApi('contact', connection.hmacToken !== ''),
		{ method: 'POST', url: `${connection.inboxUrl}/contacts`, body, idempotent: true },
		{ itemIndex, secrets: connection.secrets, maxWaitMs: settings.maxWaitMs },
	);
	const createdContact = (answer.body ?? {}) as IDataObject;
	const contactIdentifier = readText(createdContact.source_id, {
		node,
		itemIndex,
		field: 'source_id',
	});
	return { contactIdentifier: contactIdentifier || String(body.source_id), createdContact };
}

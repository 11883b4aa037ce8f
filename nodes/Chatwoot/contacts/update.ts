import type { IDataObject } from 'n8n-workflow';

import { contactIdentifierField, contactPath, readContactIdentifier } from '../contact';
import { chatwoot } from '../transport';
import {
	attributesJsonOption,
	CONTACT_FIELDS,
	contactFields,
	identity,
	readContactBody,
} from './fields';

export const update = chatwoot.operation({
	value: 'update',
	name: 'Update',
	description:
		"Change a contact's name, email, phone number or custom attributes; fields left empty stay as they are",
	action: 'Update a contact',
	properties: [contactIdentifierField, ...contactFields(CONTACT_FIELDS)],
	options: [attributesJsonOption],

	async execute(item, client) {
		const contactIdentifier = readContactIdentifier(item, client);
		const { hmacToken } = client.connection;
		const body = { ...readContactBody(item), ...identity(item, hmacToken, false) };
		if (Object.keys(body).length === 0) {
			throw item.invalid('The contact', 'has nothing to update', 'Fill in at least one field.');
		}
		// Idempotent: sending the same values again leaves the contact as it is.
		const answer = await client.patch(contactPath(contactIdentifier), body, {
			idempotent: true,
			call: 'knownContact',
			expect: chatwoot.answerWith.fields("the contact's ID", 'id'),
		});
		return { ...((answer.body ?? {}) as IDataObject), contactIdentifier };
	},
});

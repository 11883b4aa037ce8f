import type { IDataObject } from 'n8n-workflow';

import { contactIdentifierField, contactPath, readContactIdentifier } from '../contact';
import { chatwoot } from '../transport';
import { CONTACT_FIELDS, contactFields, identity } from './fields';

const externalIdentifier = contactFields(CONTACT_FIELDS).find(
	(field) => field.name === 'externalIdentifier',
)!;

export const get = chatwoot.operation({
	value: 'get',
	name: 'Get',
	description: 'Get a contact of this inbox by its contact identifier',
	action: 'Get a contact',
	properties: [
		contactIdentifierField,
		{
			...externalIdentifier,
			description:
				"Only for inboxes that enforce identity validation: the contact's own identifier, signed with the credential's HMAC token",
		},
	],

	async execute(item, client) {
		const contactIdentifier = readContactIdentifier(item, client);
		const answer = await client.get(contactPath(contactIdentifier), {
			qs: identity(item, client.connection.hmacToken, false),
			call: 'knownContact',
			expect: chatwoot.answerWith.fields("the contact's ID", 'id'),
		});
		return { ...((answer.body ?? {}) as IDataObject), contactIdentifier };
	},
});

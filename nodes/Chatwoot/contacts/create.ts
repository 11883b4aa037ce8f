import type { IDataObject } from 'n8n-workflow';

import { chatwoot, createdContactAnswer } from '../transport';
import {
	attributesJsonOption,
	CONTACT_FIELDS,
	contactFields,
	identity,
	readContactBody,
} from './fields';

export const create = chatwoot.operation({
	value: 'create',
	name: 'Create',
	description:
		'Create a contact in this inbox. Its contactIdentifier (source_id) is what the other operations take.',
	action: 'Create a contact',
	properties: contactFields(CONTACT_FIELDS),
	options: [attributesJsonOption],

	async execute(item, client) {
		const { hmacToken } = client.connection;
		const body: IDataObject = {
			...readContactBody(item),
			...identity(item, hmacToken, true),
		};
		body.source_id = item.stableUuid('chatwoot-contact');
		// Idempotent: Chatwoot returns the contact it already has for this source_id.
		const answer = await client.post('/contacts', body, {
			idempotent: true,
			call: 'contact',
			expect: createdContactAnswer,
		});
		const contact = (answer.body ?? {}) as IDataObject;
		return { ...contact, contactIdentifier: contact.source_id ?? body.source_id };
	},
});

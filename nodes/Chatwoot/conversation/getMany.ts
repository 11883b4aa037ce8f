import type { IDataObject } from 'n8n-workflow';

import { contactIdentifierField, contactPath, readContactIdentifier } from '../contact';
import { chatwoot } from '../transport';

export const getMany = chatwoot.operation({
	value: 'getAll',
	name: 'Get Many',
	description: "List a contact's conversations in this inbox, newest first",
	action: 'Get many conversations',
	properties: [contactIdentifierField],
	returnsList: true,

	async execute(item, client) {
		const contactIdentifier = readContactIdentifier(item, client);
		const limit = item.limit();
		// Chatwoot answers every conversation at once: its public API has no pages.
		const answer = await client.get(`${contactPath(contactIdentifier)}/conversations`, {
			call: 'conversationList',
			expect: chatwoot.answerWith.list("the contact's conversations"),
		});
		const conversations = (Array.isArray(answer.body) ? answer.body : []) as IDataObject[];
		const newestFirst = [...conversations].sort((a, b) => Number(b.id) - Number(a.id));
		return newestFirst.slice(0, limit).map((conversation) => ({
			...conversation,
			contactIdentifier,
		}));
	},
});

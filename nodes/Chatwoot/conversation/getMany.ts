import type { IDataObject } from 'n8n-workflow';

import { contactIdentifierField, contactPath, readContactIdentifier } from '../contact';
import { chatwoot } from '../transport';

export const getMany = chatwoot.operation({
	value: 'getAll',
	name: 'Get Many',
	description: "List a contact's conversations in this inbox, newest first",
	action: 'Get many conversations',
	properties: [
		contactIdentifierField,
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	],

	async execute(item, client) {
		const contactIdentifier = readContactIdentifier(item, client);
		const returnAll = item.param('returnAll', false) === true;
		const limit = returnAll ? Infinity : Number(item.param('limit', 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1)) {
			throw item.invalid('Limit', `must be a whole number of at least 1, but got "${limit}"`);
		}
		// Chatwoot answers every conversation at once: its public API has no pages.
		const answer = await client.get(`${contactPath(contactIdentifier)}/conversations`, {
			call: 'conversationList',
		});
		const conversations = (Array.isArray(answer.body) ? answer.body : []) as IDataObject[];
		const newestFirst = [...conversations].sort((a, b) => Number(b.id) - Number(a.id));
		return newestFirst.slice(0, limit).map((conversation) => ({
			...conversation,
			contactIdentifier,
		}));
	},
});

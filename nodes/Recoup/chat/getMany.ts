import type { IDataObject } from 'n8n-workflow';

import { recoup } from '../transport';
import { artistLocator, listIn, toChat } from './fields';

export const getMany = recoup.operation({
	value: 'getAll',
	name: 'Get Many',
	description:
		"List the chats of the API key's account (or another account it can reach), newest first, optionally only those about one artist",
	action: 'Get many chats',
	properties: [
		artistLocator(
			"Only chats about this artist, given by the artist's UUID (an ID from the artist list, Recoup's GET /api/artists), not by the artist's name. Leave empty for chats about any artist or none.",
		),
	],
	returnsList: true,
	options: [
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
			description:
				"The UUID of another Recoup account whose chats to list, one your API key can reach through your organization. Empty: the key's own account.",
		},
	],

	async execute(item, client) {
		const { read } = item;
		const artistId = read.uuid(item.param('artist'), 'Artist');
		const accountId = read.uuid(item.option('accountId'), 'Account ID');
		const limit = item.limit();
		const qs: IDataObject = {};
		if (accountId) qs.account_id = accountId;
		if (artistId) qs.artist_account_id = artistId;
		// One answer holds every chat: Recoup's list has no pages.
		const answer = await client.get('/api/chats', {
			qs,
			expect: recoup.answerWith.listIn('the list of chats', 'chats'),
		});
		return listIn(answer.body, 'chats').slice(0, limit).map(toChat);
	},
});

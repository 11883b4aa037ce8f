import type { IDataObject } from 'n8n-workflow';

import { creatorLocator, readCreatorUuid } from '../creator';
import { apiVersionOption, fanvue, readApiVersion } from '../transport';

const PAGE_SIZE = 50;
/** GET /chats filters as Fanvue documents them (several may be sent, as repeated parameters). */
const FILTERS = [
	['Exclude Creators', 'exclude_creators'],
	['Followers', 'followers'],
	['Has Tipped', 'has_tipped'],
	['Not Answered', 'not_answered'],
	['Not Muted', 'not_muted'],
	['On Free Trial', 'on_free_trial'],
	['Online', 'online'],
	['Recent Subscribers', 'recent_subscribers'],
	['Spenders', 'spenders'],
	['Spent More Than $50', 'spent_more_than_50'],
	['Subscribed To', 'subscribed_to'],
	['Subscribers', 'subscribers'],
	['Unread', 'unread'],
] as const;

export const getMany = fanvue.operation({
	value: 'getMany',
	name: 'Get Many',
	description:
		"List chats (one item per fan, newest messages first), the connected account's or an agency creator's",
	action: 'Get many chats',
	properties: [creatorLocator(undefined)],
	returnsList: true,
	options: [
		apiVersionOption,
		{
			displayName: 'Search',
			name: 'search',
			type: 'string',
			default: '',
			placeholder: 'e.g. ada',
			description:
				"Only chats whose fan's name or handle contains this text (up to 100 characters). Fanvue searches the connected account's chats; an agency creator's chats are searched by the node.",
		},
		{
			displayName: 'Filter',
			name: 'filter',
			type: 'multiOptions',
			default: [],
			options: FILTERS.map(([name, value]) => ({ name, value })),
			description:
				"Only chats matching every filter chosen (connected account only: Fanvue documents no filter for an agency creator's chats). Some filters are for creator accounts only.",
		},
	],

	async execute(item, client) {
		const creatorUuid = readCreatorUuid(item.param('creator'), item.read);
		const limit = item.limit();
		const search = item.read.text(item.option('search'), 'Search');
		if (search.length > 100) {
			throw item.invalid('Search', `must be at most 100 characters, but has ${search.length}`);
		}
		const filters = item.read.list(item.option('filter'), 'Filter');
		const known = FILTERS.map(([, value]) => value as string);
		const unknown = filters.find((filter) => !known.includes(filter));
		if (unknown) throw item.invalid('Filter', `has an unknown value "${unknown}"`);
		if (creatorUuid && filters.length) {
			throw item.invalid(
				'Filter',
				"works only for the connected account's chats",
				"Fanvue documents no filter for an agency creator's chats (GET /creators/{uuid}/chats). Remove the filter or set Creator to Me.",
			);
		}
		const apiVersion = readApiVersion(item);

		// Repeated parameters (filter=a&filter=b), as Fanvue documents: n8n would send filter[0]=a.
		const filterQuery = filters.map((filter) => `filter=${encodeURIComponent(filter)}`).join('&');
		const path = creatorUuid
			? `/creators/${creatorUuid}/chats`
			: `/chats${filterQuery ? `?${filterQuery}` : ''}`;
		const call = {
			apiVersion,
			scopes: creatorUuid ? ['read:chat', 'read:creator'] : ['read:chat'],
			notFoundHint: creatorUuid
				? 'Check the Creator: it must be a creator your agency manages.'
				: 'Check the API Base URL in the Fanvue credential.',
		};
		const needle = search.toLowerCase();
		const chats: IDataObject[] = [];
		for (let page = 1; chats.length < limit; page++) {
			const qs: IDataObject = { page, size: PAGE_SIZE };
			if (search && !creatorUuid) qs.search = search;
			const answer = await client.get(path, {
				qs,
				call,
				expect: fanvue.answerWith.listIn('the list of chats', 'data'),
			});
			const body = (answer.body ?? {}) as IDataObject;
			const data = (Array.isArray(body.data) ? body.data : []) as IDataObject[];
			for (const chat of data) {
				const user = (chat.user ?? {}) as IDataObject;
				const matches =
					!creatorUuid ||
					needle === '' ||
					[user.handle, user.displayName, user.nickname].some(
						(text) => typeof text === 'string' && text.toLowerCase().includes(needle),
					);
				if (matches && chats.length < limit) chats.push(chat);
			}
			const pagination = (body.pagination ?? {}) as IDataObject;
			const hasMore =
				typeof pagination.hasMore === 'boolean' ? pagination.hasMore : data.length >= PAGE_SIZE;
			if (!hasMore || data.length === 0) break;
		}
		return chats.map((chat) => ({ ...chat, creatorUuid: creatorUuid ?? null }));
	},
});

import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { recoup } from './transport';

interface RecoupArtist {
	id?: string;
	account_id?: string;
	name?: string;
}

/** The artists the API key can reach (GET /api/artists), filtered by name as the user types. */
export async function searchArtists(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const client = await recoup.client(this, 0, 10_000);
	const options = (this.getCurrentNodeParameter('options') ?? {}) as IDataObject;
	const accountId = typeof options.accountId === 'string' ? options.accountId.trim() : '';
	// The same request path as Create Chat: Recoup's errors read the same, 429s and 5xx are retried.
	const answer = await client.get('/api/artists', {
		qs: accountId ? { account_id: accountId } : undefined,
		expect: recoup.answerWith.listIn('the list of artists', 'artists'),
	});
	const body = (answer.body ?? {}) as IDataObject;
	const artists = (Array.isArray(body.artists) ? body.artists : []) as RecoupArtist[];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = artists
		.map((artist) => ({ id: artist.id ?? artist.account_id, name: artist.name ?? '' }))
		.filter((artist): artist is { id: string; name: string } => typeof artist.id === 'string')
		.filter((artist) => needle === '' || artist.name.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((artist) => ({ name: artist.name || artist.id, value: artist.id }));
	return { results };
}

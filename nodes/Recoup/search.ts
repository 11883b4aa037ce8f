import {
	NodeApiError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
	type JsonObject,
} from 'n8n-workflow';

import { redact } from '../shared/errors';
import type { HttpAnswer } from '../shared/request';
import { getRecoupConnection, readRecoupFailure, RECOUP_CREDENTIAL } from './transport';

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
	const { baseUrl, secrets } = await getRecoupConnection(this);
	const accountId = (this.getCurrentNodeParameter('options') as IDataObject | undefined)?.accountId;
	const answer = (await this.helpers.httpRequestWithAuthentication.call(this, RECOUP_CREDENTIAL, {
		method: 'GET',
		url: `${baseUrl}/api/artists`,
		qs: typeof accountId === 'string' && accountId !== '' ? { account_id: accountId } : undefined,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as HttpAnswer;
	if (answer.statusCode < 200 || answer.statusCode >= 300) {
		const failure = readRecoupFailure(answer);
		throw new NodeApiError(
			this.getNode(),
			{ message: redact(failure.message, secrets) } as JsonObject,
			{
				message: `Recoup: ${redact(failure.message, secrets)}`,
				description: failure.hint,
				httpCode: String(answer.statusCode),
			},
		);
	}
	const artists = ((answer.body as IDataObject)?.artists ?? []) as RecoupArtist[];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = artists
		.map((artist) => ({ id: artist.id ?? artist.account_id, name: artist.name ?? '' }))
		.filter((artist): artist is { id: string; name: string } => typeof artist.id === 'string')
		.filter((artist) => needle === '' || artist.name.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((artist) => ({ name: artist.name || artist.id, value: artist.id }));
	return { results };
}

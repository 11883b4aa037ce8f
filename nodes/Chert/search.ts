import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { DEFAULT_MAX_WAIT_SECONDS } from '../shared/items';
import { sendProviderRequest } from '../shared/request';
import { chertApi, getChertConnection } from './transport';

interface ChertPhoneNumber {
	phone_number?: string;
	service?: string;
	is_active?: boolean;
	capabilities?: string[];
}

/** The tenant's active sender numbers (GET /phone-numbers), filtered as the user types. */
export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const { baseUrl, secrets } = await getChertConnection(this);
	// The same door as Create Chat: paced, 429s waited out, errors in Chert's words.
	const answer = await sendProviderRequest(
		this,
		chertApi,
		{ method: 'GET', url: `${baseUrl}/phone-numbers`, idempotent: true },
		{ itemIndex: 0, secrets, maxWaitMs: DEFAULT_MAX_WAIT_SECONDS * 1000 },
	);
	const numbers = ((answer.body as IDataObject)?.phone_numbers ?? []) as ChertPhoneNumber[];
	const needle = (filter ?? '').replace(/[^\d+]/g, '');
	const results = numbers
		.filter((entry) => entry.is_active !== false && typeof entry.phone_number === 'string')
		.filter((entry) => needle === '' || entry.phone_number!.includes(needle))
		.map((entry) => ({
			name: entry.service ? `${entry.phone_number} (${entry.service})` : entry.phone_number!,
			value: entry.phone_number!,
		}));
	return { results };
}

import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { chert } from './transport';

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
	// The same client as Create Chat: 429s waited out (briefly: the editor is waiting), errors in
	// Chert's words.
	const client = await chert.client(this, 0, 10_000);
	const answer = await client.get('/phone-numbers', {
		expect: chert.answerWith.listIn('the list of phone numbers', 'phone_numbers'),
	});
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

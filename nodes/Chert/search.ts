import {
	NodeApiError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
	type JsonObject,
} from 'n8n-workflow';

import { redact } from '../shared/errors';
import type { HttpAnswer } from '../shared/request';
import { CHERT_CREDENTIAL, getChertConnection, readChertFailure } from './transport';

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
	const answer = (await this.helpers.httpRequestWithAuthentication.call(this, CHERT_CREDENTIAL, {
		method: 'GET',
		url: `${baseUrl}/phone-numbers`,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as HttpAnswer;
	if (answer.statusCode < 200 || answer.statusCode >= 300) {
		const failure = readChertFailure(answer);
		const message = redact(failure.message, secrets);
		throw new NodeApiError(this.getNode(), { message, code: failure.code ?? '' } as JsonObject, {
			message: `Chert: ${message}`,
			description: failure.hint,
			httpCode: String(answer.statusCode),
		});
	}
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

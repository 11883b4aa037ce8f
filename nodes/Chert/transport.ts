import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { ProviderFailure } from '../shared/errors';
import { sendProviderRequest, type HttpAnswer, type ProviderApi } from '../shared/request';
import { oncePerRun } from '../shared/run-cache';

export const CHERT_CREDENTIAL = 'chatProvidersChertApi';

/** Chert's error envelope: {success: false, error: {status, code, message, retryable, retry_after?}, trace_id}. */
interface ChertEnvelope {
	error?: {
		status?: number;
		code?: number | string;
		message?: string;
		retryable?: boolean;
		retry_after?: number;
	};
	trace_id?: string;
}

const SENT_ONCE =
	'The node already retried with the same idempotency key, so the message was not sent twice.';

/** What the user can do, by Chert's documented error code. */
const hintsByCode: Record<string, string> = {
	'1001': 'Chert says a required field is missing. Check From, To and Message Parts.',
	'1003':
		'Chert refused a phone number. Use E.164 numbers (a plus sign, the country code and the number: +14155551234).',
	'1005':
		"Chert does not allow a URL in the text of a chat's first message. Move the link into a Rich Link part.",
	'1006': 'Send the parts past the tenth in a follow-up message.',
	'1008': 'Merge adjacent text parts into one, or put a Rich Link or Media part between them.',
	'2004':
		'Chert did not accept the signing secret or the signature. Check Signing Secret in the Chert credential, and that Authenticate With matches your Chert account.',
	'2012':
		'Chert could not tell which tenant the request is for. Set Tenant Slug in the Chert credential: signed requests and accounts with several tenants need it.',
	'2013':
		"The request's signature time is more than 5 minutes away from Chert's clock. Set the clock of the machine running n8n right (for example with NTP).",
	'2006':
		"From is not one of this Chert tenant's phone numbers. Pick a number from the From list, or check Tenant Slug in the credential.",
	'4001': `Chert could not deliver the message. ${SENT_ONCE} Try again later.`,
	'4002': `All of Chert's sender lines are busy. ${SENT_ONCE} Try again later.`,
};

const hintsByStatus: Record<number, string> = {
	401: hintsByCode['2004'],
	404: 'Check Base URL in the Chert credential (it ends in /api/v1).',
	409: 'A message with this idempotency key was already sent (for example by an earlier try of this node), so Chert did not send another. To send a new message on purpose, set a different Idempotency Key.',
};

function textOf(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function headerText(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name];
	return textOf(Array.isArray(value) ? value[0] : value);
}

function envelopeOf(answer: HttpAnswer): ChertEnvelope {
	return (answer.body && typeof answer.body === 'object' ? answer.body : {}) as ChertEnvelope;
}

/** Chert's envelope in the user's terms: its message, code and trace id, and what to do. */
export function readChertFailure(answer: HttpAnswer): ProviderFailure {
	const envelope = envelopeOf(answer);
	const error = envelope.error ?? {};
	const code = error.code ?? undefined;
	const message =
		textOf(error.message) ??
		(typeof answer.body === 'string' ? textOf(answer.body.slice(0, 200)) : undefined) ??
		`HTTP ${answer.statusCode}`;
	const hint =
		(code !== undefined ? hintsByCode[String(code)] : undefined) ??
		hintsByStatus[answer.statusCode] ??
		(answer.statusCode >= 500 ? `Chert had a problem. ${SENT_ONCE} Try again later.` : undefined);
	const details: IDataObject = {};
	if (typeof error.retryable === 'boolean') details.retryable = error.retryable;
	if (typeof error.retry_after === 'number') details.retryAfter = error.retry_after;
	return {
		provider: 'Chert',
		statusCode: answer.statusCode,
		code,
		traceId: textOf(envelope.trace_id) ?? headerText(answer.headers, 'x-trace-id'),
		message,
		hint,
		details,
	};
}

export const chertApi: ProviderApi = {
	name: 'Chert',
	credentialType: CHERT_CREDENTIAL,
	readFailure: readChertFailure,
	// Chert says which errors are worth another try; without its envelope, gateway errors are.
	isTransient: (answer) => {
		const retryable = envelopeOf(answer).error?.retryable;
		if (typeof retryable === 'boolean') return retryable;
		return [502, 503, 504].includes(answer.statusCode);
	},
	readRetryAfter: (answer) => {
		const seconds = envelopeOf(answer).error?.retry_after;
		return typeof seconds === 'number' && seconds >= 0 ? Date.now() + seconds * 1000 : undefined;
	},
};

export interface ChertConnection {
	baseUrl: string;
	secrets: string[];
}

export async function getChertConnection(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
): Promise<ChertConnection> {
	const credentials = await oncePerRun(
		ctx,
		CHERT_CREDENTIAL,
		async () => await ctx.getCredentials(CHERT_CREDENTIAL),
	);
	const baseUrl = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	return { baseUrl, secrets: [String(credentials.signingSecret ?? '')] };
}

/**
 * Sends a JSON body as one fixed string, so a signed request's signature covers the exact bytes
 * Chert receives. Every Chert call here is safe to repeat: Create Chat carries an idempotency
 * key, and a repeated attachment request only leaves an unused upload.
 */
export async function sendChertJson(
	ctx: IExecuteFunctions,
	connection: ChertConnection,
	method: IHttpRequestMethods,
	path: string,
	body: IDataObject,
	settings: { itemIndex: number; maxWaitMs: number },
): Promise<HttpAnswer> {
	return await sendProviderRequest(
		ctx,
		chertApi,
		{
			method,
			url: `${connection.baseUrl}${path}`,
			body: JSON.stringify(body),
			headers: { 'Content-Type': 'application/json' },
			idempotent: true,
		},
		{ itemIndex: settings.itemIndex, secrets: connection.secrets, maxWaitMs: settings.maxWaitMs },
	);
}

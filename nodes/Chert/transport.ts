import type { IDataObject } from 'n8n-workflow';

import { defineProvider, type Answer } from '../shared';

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

/** What a request is for, so that its failure reads in the user's terms. */
export interface ChertCall {
	/** The bytes of a file going to the upload URL of POST /attachments. */
	upload?: {
		fileName: string;
		/** Where the file sits in the message, such as "Message Part 2 (Media)". */
		label: string;
		/** Chert's own upload route answers in Chert's envelope; a storage host does not. */
		byChert: boolean;
	};
	/** The Chat ID the request is about, for a "chat not found" hint. */
	chatId?: string;
	/** The Chert Trigger managing its webhook subscription: what it was doing, for the message. */
	subscription?: string;
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
	403: "Chert refused this request for the credential's tenant. Check Tenant Slug and that the From number belongs to that tenant; if both are right, ask Chert's support, quoting the trace ID.",
	404: 'Check Base URL in the Chert credential (it ends in /api/v1).',
	409: 'A message with this idempotency key was already sent (for example by an earlier try of this node), so Chert did not send another. To send a new message on purpose, set a different Idempotency Key.',
};

// docs.trychert.com/api/webhook-subscriptions: Chert "Validates that url is an HTTPS URL".
const PUBLIC_HTTPS_HINT =
	"Chert delivers only to a public HTTPS URL. Set n8n's WEBHOOK_URL to this n8n's public HTTPS address (for example https://n8n.example.com/) and activate the workflow again, or create the subscription in Chert's console and choose Subscription Made in Chert's Console.";

/**
 * A webhook subscription request that failed, as the Chert Trigger's activation shows it. n8n 1.x
 * shows an activation error's description only, so Chert's words lead the hint too.
 */
function subscriptionFailure(answer: Answer, doing: string) {
	const failure = readEnvelope(answer, undefined);
	const refusedUrl =
		answer.statusCode >= 400 && answer.statusCode < 500 && /url|https/i.test(failure.message);
	const whatToDo = refusedUrl
		? PUBLIC_HTTPS_HINT
		: answer.statusCode >= 500
			? 'Chert had a problem. Activate the workflow again in a moment.'
			: answer.statusCode === 401 || answer.statusCode === 404
				? failure.hint
				: 'Check the Chert credential and the Events chosen.';
	return {
		...failure,
		message: `${doing}: ${failure.message}`,
		hint: `Chert said: ${failure.message}. ${whatToDo ?? ''}`.trim(),
	};
}

// docs.trychert.com/api/attachments: "HMAC is not supported on the binary upload route. Use bearer auth."
const UPLOAD_AUTH_HINT =
	"Chert's upload route refused the credential. It takes bearer authentication only: to send files through it, set Authenticate With to Bearer Token in the Chert credential (and check Signing Secret).";

function textOf(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function headerText(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name];
	return textOf(Array.isArray(value) ? value[0] : value);
}

function envelopeOf(answer: Answer): ChertEnvelope {
	return (answer.body && typeof answer.body === 'object' ? answer.body : {}) as ChertEnvelope;
}

/** Chert's envelope in the user's terms: its message, code and trace id, and what to do. */
function readEnvelope(answer: Answer, call: ChertCall | undefined) {
	const envelope = envelopeOf(answer);
	const error = envelope.error ?? {};
	const code = error.code ?? undefined;
	const message =
		textOf(error.message) ??
		(typeof answer.body === 'string' ? textOf(answer.body.slice(0, 200)) : undefined) ??
		`HTTP ${answer.statusCode}`;
	// docs.trychert.com/api/chats/list-messages: 2002 (404) is a chat not found in the tenant.
	const chatNotFound =
		String(code) === '2002' && call?.chatId
			? `Chert has no chat ${call.chatId} in this tenant. Use the chat ID from Create Chat's output (chat.id), not a message ID, and check Tenant Slug in the credential.`
			: undefined;
	const hint =
		chatNotFound ??
		(code !== undefined ? hintsByCode[String(code)] : undefined) ??
		hintsByStatus[answer.statusCode] ??
		(answer.statusCode >= 500 ? `Chert had a problem. ${SENT_ONCE} Try again later.` : undefined);
	const details: IDataObject = {};
	if (typeof error.retryable === 'boolean') details.retryable = error.retryable;
	if (typeof error.retry_after === 'number') details.retryAfter = error.retry_after;
	return {
		statusCode: answer.statusCode,
		code,
		traceId: textOf(envelope.trace_id) ?? headerText(answer.headers, 'x-trace-id'),
		message,
		hint,
		details,
	};
}

/** An upload that failed: the file named, and Chert's own words when its route answered. */
export function uploadFailure(
	upload: NonNullable<ChertCall['upload']>,
	reason: string,
	chertSaid?: ReturnType<typeof readEnvelope>,
	statusCode?: number,
) {
	const refusedAuth = upload.byChert && statusCode === 401;
	return {
		message: `Uploading "${upload.fileName}" failed (${reason})${chertSaid ? `: ${chertSaid.message}` : ''}`,
		statusCode,
		code: chertSaid?.code,
		traceId: chertSaid?.traceId,
		hint: `${upload.label} could not be uploaded, so no message was sent. ${refusedAuth ? UPLOAD_AUTH_HINT : 'Run the node again: it asks Chert for a new upload.'}`,
	};
}

function readChertFailure(answer: Answer, call: ChertCall | undefined) {
	if (call?.subscription) return subscriptionFailure(answer, call.subscription);
	if (!call?.upload) return readEnvelope(answer, call);
	const { upload } = call;
	// A storage host's answer is not Chert's: its body is neither read nor shown.
	const chertSaid = upload.byChert ? readEnvelope(answer, undefined) : undefined;
	return uploadFailure(upload, `HTTP ${answer.statusCode}`, chertSaid, answer.statusCode);
}

/** What every Chert request needs from the credential. */
export interface ChertConnection {
	baseUrl: string;
	secrets: string[];
}

export const chert = defineProvider<ChertConnection, ChertCall>({
	name: 'Chert',
	credentialType: 'chatProvidersChertApi',
	connect: (credentials) => ({
		baseUrl: String(credentials.baseUrl ?? '').trim(),
		secrets: [String(credentials.signingSecret ?? '')],
	}),
	readFailure: readChertFailure,
	// "Branch on retryable" (docs.trychert.com/api/errors). Without Chert's envelope (a proxy, a
	// storage host) any 5xx is worth another try: only requests that cannot act twice are retried.
	isTransient: (answer) => {
		const retryable = envelopeOf(answer).error?.retryable;
		if (typeof retryable === 'boolean') return retryable;
		return [500, 502, 503, 504].includes(answer.statusCode);
	},
	rateLimit: {
		retryAt: (answer) => {
			const seconds = envelopeOf(answer).error?.retry_after;
			return typeof seconds === 'number' && seconds >= 0 ? Date.now() + seconds * 1000 : undefined;
		},
	},
	// A signed request's signature covers the exact bytes Chert receives.
	signsBody: true,
});

/** Requests to Chert for one item, as operations receive them. */
export type ChertClient = Awaited<ReturnType<typeof chert.client>>;

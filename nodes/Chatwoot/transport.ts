import type { IDataObject } from 'n8n-workflow';

import { defineProvider, type Answer } from '../shared';

/**
 * Which call failed decides what a 404 or a 500 most likely means: creating a contact, reading or
 * changing one by its source_id, creating a conversation, listing or resolving conversations,
 * posting a message.
 */
export type ChatwootStep =
	| 'contact'
	| 'knownContact'
	| 'conversation'
	| 'conversationList'
	| 'resolve'
	| 'message';

const INBOX_HINT =
	'Check the Inbox Identifier in the Chatwoot credential: copy it from Settings → Inboxes → your API inbox → Configuration. Only inboxes of the API channel type serve this API; website, email or WhatsApp inboxes answer 404.';

const CONTACT_HINT =
	"The contact identifier is not the source_id of a contact in this inbox. Use the source_id that contact creation returned in this same inbox, not the contact's numeric ID, email or your own identifier.";

const INBOX_OR_CONTACT = `Chatwoot found no such inbox or contact. The two usual causes: (1) ${INBOX_HINT} (2) ${CONTACT_HINT}`;

function notFoundHint(step: ChatwootStep): string {
	if (step === 'contact') return `Chatwoot found no API inbox with this identifier. ${INBOX_HINT}`;
	if (step === 'message') {
		return 'Chatwoot no longer found the conversation or its contact when posting the message.';
	}
	if (step === 'resolve') {
		return `Chatwoot found no conversation with this ID for this contact: use the id (a number) from Create Conversation's or Get Many's output, with the same Contact Identifier. Otherwise: ${INBOX_OR_CONTACT}`;
	}
	return INBOX_OR_CONTACT;
}

function hmacHint(hmacTokenSet: boolean): string {
	return hmacTokenSet
		? "Chatwoot rejected the contact's identifier_hash: the HMAC token in the Chatwoot credential does not match this inbox's. Copy it again from Settings → Inboxes → your API inbox → Configuration → Identity Validation. (Chatwoot reports a failed HMAC check as a server error.)"
		: "This inbox may enforce identity validation (HMAC): add the inbox's HMAC token to the Chatwoot credential (Settings → Inboxes → your API inbox → Configuration → Identity Validation) and give the contact an External Identifier. Otherwise Chatwoot failed; the contact step is safe to run again.";
}

function serverErrorHint(step: ChatwootStep, hmacTokenSet: boolean): string {
	// Chatwoot checks the identifier_hash on creating, showing and updating a contact.
	if (step === 'contact' || step === 'knownContact') return hmacHint(hmacTokenSet);
	if (step === 'conversation') {
		return "Chatwoot failed while creating the conversation. It may or may not exist: look at the contact's conversations in Chatwoot before running the node again.";
	}
	if (step === 'conversationList') {
		return "Chatwoot failed while listing the contact's conversations. Reading changes nothing: run the node again.";
	}
	if (step === 'resolve') {
		return 'Chatwoot failed while resolving the conversation. Resolving again changes nothing: run the node again.';
	}
	return 'Chatwoot failed while posting the message. It may or may not be posted: look at the conversation in Chatwoot before running the node again.';
}

function textOf(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Chatwoot's error bodies: Rails' {status, error}, {error} or {message} from some controllers,
 * plain text (rack-attack's "Retry later") and HTML pages from proxies. */
function messageOf(answer: Answer): string {
	const body = answer.body;
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const fields = body as IDataObject;
		const message = textOf(fields.message) ?? textOf(fields.error) ?? textOf(fields.description);
		if (message) return message;
		if (Array.isArray(fields.errors) && fields.errors.length) {
			return fields.errors
				.map((entry) =>
					typeof entry === 'string' ? entry : String((entry as IDataObject)?.message ?? ''),
				)
				.filter(Boolean)
				.join(', ');
		}
	}
	const text = textOf(typeof body === 'string' ? body : undefined);
	if (text && !text.startsWith('<')) return text.slice(0, 200);
	return `HTTP ${answer.statusCode}`;
}

function readChatwootFailure(answer: Answer, step: ChatwootStep, hmacTokenSet: boolean) {
	const status = answer.statusCode;
	let hint: string | undefined;
	if (status === 404) hint = notFoundHint(step);
	else if (status === 401 || status === 403) {
		hint =
			step === 'contact' || step === 'knownContact'
				? hmacHint(hmacTokenSet)
				: 'Chatwoot refused the request.';
	} else if (status === 422 || status === 400) {
		hint =
			step === 'contact' || step === 'knownContact'
				? "Chatwoot refused the contact's values without saying which: check Email and Phone Number (E.164)."
				: 'Chatwoot refused the values without saying which: check the custom attributes.';
	} else if (status >= 500) hint = serverErrorHint(step, hmacTokenSet);
	return { statusCode: status, message: messageOf(answer), hint };
}

export interface ChatwootConnection {
	/** Base URL + /public/api/v1/inboxes/{inbox_identifier}, sub-path kept: paths are relative to it. */
	baseUrl: string;
	/** The inbox identifier is in every URL path and the HMAC token signs identities. */
	secrets: string[];
	defaultContactIdentifier: string;
	hmacToken: string;
}

export const chatwoot = defineProvider<ChatwootConnection, ChatwootStep>({
	name: 'Chatwoot',
	credentialType: 'chatProvidersChatwootApi',
	// The public client API has no auth header: the inbox identifier is in the URL.
	authentication: 'none',
	connect(credentials, problem) {
		const baseUrl = String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		const inboxIdentifier = String(credentials.inboxSecret ?? '').trim();
		const hmacToken = String(credentials.hmacToken ?? '').trim();
		if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
			throw problem(
				'The Base URL in the Chatwoot credential must start with http:// or https://',
				'For Chatwoot Cloud it is https://app.chatwoot.com.',
			);
		}
		if (inboxIdentifier === '') {
			throw problem('The Inbox Identifier in the Chatwoot credential is empty', INBOX_HINT);
		}
		return {
			baseUrl: `${baseUrl}/public/api/v1/inboxes/${encodeURIComponent(inboxIdentifier)}`,
			secrets: [inboxIdentifier, encodeURIComponent(inboxIdentifier), hmacToken].filter(Boolean),
			defaultContactIdentifier: String(credentials.contactIdentifier ?? '').trim(),
			hmacToken,
		};
	},
	readFailure: (answer, step, connection) =>
		readChatwootFailure(answer, step ?? 'conversation', connection.hmacToken !== ''),
	rateLimit: {
		// rack-attack's default throttle in Chatwoot: 3000 requests a minute per IP.
		documented: { requests: 3000, perMs: 60_000 },
		// rack-attack answers 429 without Retry-After unless configured to send it.
		retryAt: () => Date.now() + 10_000,
	},
});

export type ChatwootClient = Awaited<ReturnType<typeof chatwoot.client>>;

/** What Chatwoot answers a message it stored, and a contact it created or found. */
export const messageAnswer = chatwoot.answerWith.fields("the message's ID", 'id');
export const createdContactAnswer = chatwoot.answerWith.fields("the contact's ID", 'id');

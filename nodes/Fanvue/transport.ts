import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { defineProvider, type Answer, type Item } from '../shared';

/** What every Fanvue request needs from the credential. */
type FanvueConnection = { baseUrl: string; secrets: string[] };

export const FANVUE_CREDENTIAL = 'chatProvidersFanvueOAuth2Api';

export const DEFAULT_API_VERSION = '2025-06-26';
const DEFAULT_BASE_URL = 'https://api.fanvue.com';
export const UUID_REGEX =
	'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const apiVersionOption: INodeProperties = {
	displayName: 'API Version',
	name: 'apiVersion',
	type: 'string',
	default: DEFAULT_API_VERSION,
	placeholder: `e.g. ${DEFAULT_API_VERSION}`,
	description:
		'Sent as the X-Fanvue-API-Version header on every request. Change it when Fanvue retires this version.',
};

/** What the operation calls, so that errors can name the scopes and IDs involved. */
export interface FanvueCall {
	/** The scopes this call needs, as ticked in Fanvue's developer settings. */
	scopes: string[];
	apiVersion: string;
	/** What a 404 most likely means for this call. */
	notFoundHint: string;
	/** What sending it again could do twice (a create or a send); reads leave it out. */
	twice?: string;
}

const DEFAULT_CALL: FanvueCall = {
	scopes: [],
	apiVersion: DEFAULT_API_VERSION,
	notFoundHint: 'Check the API Base URL in the Fanvue credential.',
};

function textOf(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function validationMessages(errors: unknown): string | undefined {
	if (!Array.isArray(errors) || errors.length === 0) return undefined;
	const texts = errors.map((entry) => {
		if (typeof entry === 'string') return entry;
		const { message, path, field } = (entry ?? {}) as IDataObject;
		const where = textOf(path) ?? textOf(field);
		const what = textOf(message) ?? JSON.stringify(entry);
		return where ? `${where}: ${what}` : what;
	});
	return texts.join('; ');
}

function failureHint(answer: Answer, body: IDataObject, call: FanvueCall): string | undefined {
	const scopes = call.scopes.join(', ');
	switch (answer.statusCode) {
		case 400:
			if (Array.isArray(body.errors)) {
				return 'Fanvue refused the request as invalid. Check the fields named in the message.';
			}
			if (textOf(body.error)) {
				return `Fanvue does not accept API version "${call.apiVersion}". Set Options > API Version to a supported version (${DEFAULT_API_VERSION} is the one this node was built for).`;
			}
			return "This fan can't be messaged: Fanvue only opens chats with users who may be contacted (for example subscribers or followers who have not blocked or restricted you). Check the fan in Fanvue, or skip this item.";
		case 401:
			return 'Fanvue refused the connection even after it was renewed. Reconnect the Fanvue credential (open it and click "Connect my account").';
		case 403:
			return `The Fanvue connection lacks a scope this needs (${scopes}). Tick the missing scope for your app in Fanvue's developer settings, add it to the credential's Scope field (both lists must match exactly), and reconnect.`;
		case 404:
			return call.notFoundHint;
		case 410:
			return textOf(body.nextVersion)
				? `Fanvue has retired API version "${call.apiVersion}". Set Options > API Version to ${String(body.nextVersion)}.`
				: `Fanvue has retired API version "${call.apiVersion}". Set Options > API Version to a current version.`;
		default:
			if (answer.statusCode < 500) return undefined;
			if (!call.twice) {
				return 'Fanvue had a problem handling the request, even after the node retried it. Try again later.';
			}
			// A 503 turned the request away; any other server error says nothing about what was done.
			return `Fanvue had a problem handling the request${answer.statusCode === 503 ? '' : ', and may have acted on it all the same'}. No retry was made, because a retry could ${call.twice}; check Fanvue and try again later.`;
	}
}

/** Fanvue's error bodies: {error}, {message}, {error, message}, {errors: [...]}, {error, message, nextVersion}. */
export function readFanvueFailure(answer: Answer, call: FanvueCall) {
	const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as IDataObject;
	const message =
		textOf(body.message) ??
		textOf(body.error) ??
		validationMessages(body.errors) ??
		(typeof answer.body === 'string' ? textOf(answer.body.slice(0, 200)) : undefined) ??
		`HTTP ${answer.statusCode}`;
	const details: Record<string, unknown> = {};
	if (textOf(body.nextVersion)) details.nextVersion = body.nextVersion;
	if (answer.statusCode === 403) details.requiredScopes = call.scopes;
	return {
		statusCode: answer.statusCode,
		message,
		code: textOf(body.message) ? textOf(body.error) : undefined,
		hint: failureHint(answer, body, call),
		details: Object.keys(details).length ? details : undefined,
	};
}

function headerNumber(headers: Record<string, unknown>, name: string): number | undefined {
	const raw = headers[name];
	const value = Number(Array.isArray(raw) ? raw[0] : raw);
	return raw === undefined || !Number.isFinite(value) ? undefined : value;
}

/** X-RateLimit-Limit, -Remaining and -Reset (Unix seconds). */
export function readFanvueRateLimit(
	headers: Record<string, unknown>,
): { limit?: number; remaining?: number; resetAt?: number } | undefined {
	const limit = headerNumber(headers, 'x-ratelimit-limit');
	const remaining = headerNumber(headers, 'x-ratelimit-remaining');
	const reset = headerNumber(headers, 'x-ratelimit-reset');
	if (limit === undefined && remaining === undefined) return undefined;
	return { limit, remaining, resetAt: reset === undefined ? undefined : reset * 1000 };
}

/** The API version from the Options collection: checked here so a typo never reaches Fanvue. */
export function isApiVersion(value: string): boolean {
	return API_VERSION_PATTERN.test(value);
}

/** The item's field readers, for checks shared by several operations. */
export type Readers = Item['read'];

/** Options > API Version, checked before anything is sent. */
export function readApiVersion(item: Item): string {
	const apiVersion =
		item.read.text(item.option('apiVersion'), 'API Version') || DEFAULT_API_VERSION;
	if (!isApiVersion(apiVersion)) {
		throw item.invalid(
			'API Version',
			`must be a date like ${DEFAULT_API_VERSION}, but got "${apiVersion}"`,
		);
	}
	return apiVersion;
}

/** Secrets come from the token data n8n keeps for the OAuth2 credential. */
export const fanvue = defineProvider<FanvueConnection, FanvueCall>({
	name: 'Fanvue',
	credentialType: FANVUE_CREDENTIAL,
	authentication: 'oauth2',
	connect: (credentials) => {
		const tokens = (credentials.oauthTokenData ?? {}) as IDataObject;
		const secrets = [
			credentials.clientSecret,
			tokens.access_token,
			tokens.refresh_token,
			tokens.id_token,
		].filter((value): value is string => typeof value === 'string');
		return {
			baseUrl: String(credentials.apiBaseUrl ?? '').trim() || DEFAULT_BASE_URL,
			secrets,
		};
	},
	readFailure: (answer, call) => readFanvueFailure(answer, call ?? DEFAULT_CALL),
	rateLimit: { documented: { requests: 200, perMs: 60_000 }, fromHeaders: readFanvueRateLimit },
	headers: (call) => ({ 'X-Fanvue-API-Version': call?.apiVersion ?? DEFAULT_API_VERSION }),
});

export type FanvueClient = Awaited<ReturnType<typeof fanvue.client>>;

/** What Fanvue answers a message it took (documented: `{messageUuid}`). */
export const messageAnswer = fanvue.answerWith.fields(
	"the sent message's messageUuid",
	'messageUuid',
);

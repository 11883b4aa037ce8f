import { redact, type ProviderFailure } from './errors';
import type { HttpAnswer, ProviderApi } from './request';

const REASONS: Record<number, string> = {
	200: 'OK',
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	408: 'Request Timeout',
	413: 'Payload Too Large',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
	520: 'Unknown Error',
	521: 'Web Server Is Down',
	522: 'Connection Timed Out',
	523: 'Origin Is Unreachable',
	524: 'A Timeout Occurred',
};

const EXCERPT_LENGTH = 120;

/** What kind of answer it was, when it was not the provider's API speaking. */
export interface NonApiAnswer {
	kind: 'an HTML page' | 'plain text' | 'an empty body' | 'broken JSON';
	excerpt?: string;
}

function bodyText(body: unknown): string | undefined {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (body instanceof Uint8Array) return new TextDecoder().decode(body);
	return undefined;
}

function contentType(answer: HttpAnswer): string {
	const value = answer.headers['content-type'];
	return String(Array.isArray(value) ? value[0] : (value ?? '')).toLowerCase();
}

function shorten(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}…` : line;
}

/** The page's title, or its text without markup: never the markup itself. */
function htmlExcerpt(html: string): string {
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
	const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
	const text = (title ?? heading ?? html)
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/&amp;/g, '&');
	return shorten(text);
}

/**
 * A body that did not come from the provider's JSON API: a proxy's or CDN's HTML error page,
 * plain text, an empty body or JSON cut short. For a 2xx, an empty body is left to the operation
 * (a delete may answer 204; a create says what it needs by its expected answer shape).
 */
export function describeNonApiAnswer(
	answer: HttpAnswer,
	secrets: readonly string[],
): NonApiAnswer | undefined {
	const raw = bodyText(answer.body);
	if (raw === undefined) return undefined;
	// Redacted before it is cut short, so no part of a secret survives in the excerpt.
	const text = redact(raw, secrets);
	const trimmed = text.trim();
	const success = answer.statusCode >= 200 && answer.statusCode < 300;
	const looksHtml = trimmed.startsWith('<') || contentType(answer).includes('html');
	if (looksHtml && trimmed !== '') return { kind: 'an HTML page', excerpt: htmlExcerpt(trimmed) };
	if (trimmed === '') return success ? undefined : { kind: 'an empty body' };
	if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
		return { kind: 'broken JSON', excerpt: shorten(trimmed) };
	}
	return { kind: 'plain text', excerpt: shorten(trimmed) };
}

/** The error for such an answer: the status as its title, the provider's hint for that status kept. */
export function nonApiFailure(
	api: ProviderApi,
	answer: HttpAnswer,
	providerSaid: ProviderFailure,
	found: NonApiAnswer,
): ProviderFailure {
	const reason = answer.statusMessage?.trim() || REASONS[answer.statusCode] || '';
	const what = found.excerpt ? `${found.kind} ("${found.excerpt}")` : found.kind;
	const success = answer.statusCode >= 200 && answer.statusCode < 300;
	const source =
		success && found.kind === 'an HTML page'
			? `Check the Base URL in the ${api.name} credential: it may point at a website instead of ${api.name}'s API.`
			: success
				? `Such answers come from a proxy in front of ${api.name}, or from ${api.name} failing while it answered: it may have acted on the request all the same.`
				: `Such answers come from a proxy, load balancer or CDN in front of ${api.name}, or from ${api.name} failing before its API could answer.`;
	// A provider's hint for 400 and 422 reads its validation body, which this answer does not have.
	const hint =
		answer.statusCode === 400 || answer.statusCode === 422 ? undefined : providerSaid.hint;
	return {
		provider: api.name,
		statusCode: answer.statusCode,
		code: providerSaid.code,
		traceId: providerSaid.traceId,
		message: `HTTP ${answer.statusCode}${reason ? ` ${reason}` : ''}`,
		hint: [`The answer was not from ${api.name}'s API: it was ${what}.`, source, hint]
			.filter(Boolean)
			.join(' '),
	};
}

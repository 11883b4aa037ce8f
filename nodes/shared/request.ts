import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type NodeApiError,
} from 'n8n-workflow';

import { redact, toNodeApiError, type ProviderFailure } from './errors';
import {
	pacerFor,
	parseRetryAfter,
	RateLimitWaitTooLongError,
	type PublishedRateLimit,
	type RateLimitReading,
} from './pacing';

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** What a node tells the shared request layer about its provider. */
export interface ProviderApi {
	name: string;
	credentialType: string;
	/** A non-2xx answer in the provider's own words. */
	readFailure(answer: HttpAnswer): ProviderFailure;
	/** Whether an answer other than 429 is a transient failure worth retrying (only ever done
	 * for requests that cannot create twice). Default: 502, 503 and 504. */
	isTransient?(answer: HttpAnswer): boolean;
	/** The rate limit the provider documents, used until its own headers say more. */
	publishedRateLimit?: PublishedRateLimit;
	readRateLimit?(headers: Record<string, unknown>): RateLimitReading | undefined;
	/** When to retry, from the answer's body, for providers that put it there (epoch ms). */
	readRetryAfter?(answer: HttpAnswer): number | undefined;
	/** When the wait for a 429 is not given by the provider. */
	retryAfterFallbackMs?: number;
	oauth2?: boolean;
	/** False when the credential adds nothing to requests (its secret is in the URL): requests then
	 * skip reading the credential again. */
	authenticatesRequests?: boolean;
}

export interface ProviderRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject | string;
	qs?: IDataObject;
	headers?: IDataObject;
	/** The request carries an idempotency key or a client-generated id, so sending it again
	 * cannot create a second chat. Without it only 429s (refused before acting) are retried. */
	idempotent: boolean;
}

export interface RequestSettings {
	itemIndex: number;
	/** Values that must never appear in an error (keys, secrets, identifiers used as secrets). */
	secrets: readonly string[];
	/** The longest this item may wait for rate limits, in milliseconds. */
	maxWaitMs: number;
	/** How many times a transient failure of an idempotent request is retried. */
	maxRetries?: number;
	timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 3;

/** Node executions and the editor's list searches share one pacer and one refresh lock. */
export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

function credentialKey(ctx: RequestContext, api: ProviderApi): string {
	const details = ctx.getNode().credentials?.[api.credentialType];
	return `${api.credentialType}:${details?.id ?? details?.name ?? 'default'}`;
}

interface RefreshState {
	generation: number;
	refreshing?: Promise<void>;
}
const refreshStates = new Map<string, RefreshState>();

function refreshStateFor(key: string): RefreshState {
	let state = refreshStates.get(key);
	if (!state) {
		state = { generation: 0 };
		refreshStates.set(key, state);
	}
	return state;
}

/**
 * One refresh at a time per credential. A request that saw 401 with a token older than the
 * last refresh just retries with the new token, so a single-use refresh token is presented
 * exactly once even when many requests expire together.
 */
async function refreshOnce(
	ctx: RequestContext,
	api: ProviderApi,
	state: RefreshState,
	seenGeneration: number,
): Promise<void> {
	if (state.generation !== seenGeneration) return;
	if (!state.refreshing) {
		state.refreshing = (async () => {
			try {
				await ctx.helpers.refreshOAuth2Token.call(ctx, api.credentialType);
				state.generation += 1;
			} finally {
				state.refreshing = undefined;
			}
		})();
	}
	await state.refreshing;
}

function transportFailure(api: ProviderApi, error: unknown): ProviderFailure {
	const cause = (error as { cause?: { code?: string } }).cause;
	const code = (error as { code?: string }).code ?? cause?.code;
	const reason = code ?? (error as Error).message ?? 'unknown error';
	return {
		provider: api.name,
		message: `Could not reach ${api.name} (${reason})`,
		code,
		hint: `Check the base URL in the credential and that ${api.name} is reachable from this n8n instance.`,
	};
}

function safeToResend(code: string | undefined): boolean {
	// The connection was refused before anything was sent.
	return code === 'ECONNREFUSED';
}

function defaultTransient(answer: HttpAnswer): boolean {
	return answer.statusCode === 502 || answer.statusCode === 503 || answer.statusCode === 504;
}

function backoffMs(attempt: number): number {
	return Math.min(30_000, 500 * 2 ** attempt);
}

/**
 * Sends one provider request for one item: paced per credential, 429s retried after
 * Retry-After within the item's maximum wait, transient failures retried only when the
 * request is idempotent, OAuth2 tokens refreshed once per credential. Returns a 2xx answer
 * or throws the provider's error.
 */
export async function sendProviderRequest(
	ctx: RequestContext,
	api: ProviderApi,
	request: ProviderRequest,
	settings: RequestSettings,
): Promise<HttpAnswer> {
	const node = ctx.getNode();
	const key = credentialKey(ctx, api);
	const pacer =
		api.publishedRateLimit || api.readRateLimit
			? pacerFor(`${api.name}:${key}`, api.publishedRateLimit, api.readRateLimit !== undefined)
			: undefined;
	const refreshState = api.oauth2 ? refreshStateFor(key) : undefined;
	const deadline = Date.now() + settings.maxWaitMs;
	const maxRetries = settings.maxRetries ?? DEFAULT_MAX_RETRIES;
	const fail = (failure: ProviderFailure): NodeApiError =>
		toNodeApiError(node, failure, settings.itemIndex, settings.secrets);
	const rateLimitFailure = (retryAt: number, answer?: HttpAnswer): NodeApiError => {
		const providerSaid = answer ? api.readFailure(answer) : undefined;
		const when = new Date(retryAt).toISOString();
		return fail({
			provider: api.name,
			statusCode: answer?.statusCode ?? 429,
			code: providerSaid?.code,
			traceId: providerSaid?.traceId,
			message: `Rate limit reached; try again after ${when}`,
			hint: `${providerSaid?.message ? `${api.name} said: "${providerSaid.message}". ` : ''}Waiting until then would take longer than the node's Max Wait for Rate Limits (${Math.round(settings.maxWaitMs / 1000)} s). Raise that option, or send fewer items at once.`,
		});
	};

	let transientRetries = 0;
	let refreshed = false;
	for (let attempt = 0; ; attempt++) {
		if (pacer) {
			try {
				await pacer.acquire(deadline);
			} catch (error) {
				throw rateLimitFailure((error as RateLimitWaitTooLongError).retryAt ?? Date.now());
			}
		}
		if (refreshState?.refreshing) await refreshState.refreshing;
		const generation = refreshState?.generation ?? 0;

		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			headers: { Accept: 'application/json', ...(request.headers ?? {}) },
			body: request.body,
			json: typeof request.body !== 'string',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		};

		let answer: HttpAnswer;
		try {
			answer = (
				api.authenticatesRequests === false
					? await ctx.helpers.httpRequest(options)
					: await ctx.helpers.httpRequestWithAuthentication.call(ctx, api.credentialType, options)
			) as HttpAnswer;
		} catch (error) {
			pacer?.release();
			const failure = transportFailure(api, error);
			const code = typeof failure.code === 'string' ? failure.code : undefined;
			if ((request.idempotent || safeToResend(code)) && transientRetries < maxRetries) {
				await sleep(backoffMs(transientRetries++));
				continue;
			}
			if (!request.idempotent && !safeToResend(code)) {
				// A timeout or a dropped connection after sending: the provider may have acted.
				failure.hint = `${failure.hint} The request may have reached ${api.name}: check there before running the node again.`;
			}
			throw fail(failure);
		}

		pacer?.release(api.readRateLimit?.(answer.headers));

		if (answer.statusCode >= 200 && answer.statusCode < 300) return answer;

		if (answer.statusCode === 401 && refreshState && !refreshed) {
			refreshed = true;
			try {
				await refreshOnce(ctx, api, refreshState, generation);
			} catch (error) {
				throw fail({
					provider: api.name,
					statusCode: 401,
					message: 'The connection expired and could not be renewed',
					hint: `Reconnect the ${api.name} credential (open it and click "Connect my account"). ${redact(String((error as Error).message ?? ''), settings.secrets)}`.trim(),
				});
			}
			continue;
		}

		if (answer.statusCode === 429) {
			const retryAt =
				parseRetryAfter(answer.headers['retry-after']) ??
				api.readRetryAfter?.(answer) ??
				Date.now() + (api.retryAfterFallbackMs ?? backoffMs(attempt));
			pacer?.blockUntil(retryAt);
			if (retryAt > deadline) throw rateLimitFailure(retryAt, answer);
			if (!pacer) await sleep(Math.max(0, retryAt - Date.now()));
			continue;
		}

		const transient = (api.isTransient ?? defaultTransient)(answer);
		if (transient && request.idempotent && transientRetries < maxRetries) {
			const retryAt = parseRetryAfter(answer.headers['retry-after']);
			await sleep(retryAt ? Math.max(0, retryAt - Date.now()) : backoffMs(transientRetries));
			transientRetries++;
			continue;
		}

		throw fail(api.readFailure(answer));
	}
}

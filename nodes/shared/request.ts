import {
	type IAdditionalCredentialOptions,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type NodeApiError,
} from 'n8n-workflow';

import { redact, toNodeApiError, type ProviderFailure } from './errors';
import { describeNonApiAnswer, nonApiFailure } from './non-api-answers';
import { oncePerRun } from './run-cache';
import {
	pacerFor,
	parseRetryAfter,
	RateLimitWaitTooLongError,
	type PublishedRateLimit,
	type RateLimitReading,
} from './pacing';
import { ExecutionCancelledError, pause, waitAtMost, WaitTimeoutError } from './waits';

export interface HttpAnswer {
	statusCode: number;
	statusMessage?: string;
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
	/** An object is sent as JSON; a string or bytes exactly as given. */
	body?: IDataObject | string | Buffer;
	qs?: IDataObject;
	headers?: IDataObject;
	/** False: sent without the credential (a pre-signed URL on another host). */
	authenticated?: boolean;
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

/** Set on an error when a request that cannot be repeated safely may still have reached the provider. */
export const MAY_HAVE_ACTED = 'mayHaveReachedProvider';

export function mayHaveReachedProvider(error: unknown): boolean {
	const response = (error as { errorResponse?: Record<string, unknown> })?.errorResponse;
	return response?.[MAY_HAVE_ACTED] === true;
}
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
	/** The last refresh of this generation failed, in this execution: its waiters and every later
	 * request of the execution get the same answer, without another token call. */
	failed?: { generation: number; executionId: string; error: unknown };
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

/** List searches in the editor have no execution: each one may try a refresh again. */
function executionIdOf(ctx: RequestContext): string | undefined {
	return 'getExecutionId' in ctx ? ctx.getExecutionId() : undefined;
}

export function cancelSignalOf(ctx: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

function earlierRefreshFailure(
	ctx: RequestContext,
	state: RefreshState,
	generation: number,
): unknown {
	const failed = state.failed;
	const executionId = executionIdOf(ctx);
	if (!failed || executionId === undefined) return undefined;
	return failed.generation === generation && failed.executionId === executionId
		? failed.error
		: undefined;
}

/**
 * One refresh at a time per credential. A request that saw 401 with a token older than the
 * last refresh just retries with the new token, so a single-use refresh token is presented
 * exactly once even when many requests expire together; a failed refresh answers everyone
 * who waited for it.
 */
async function refreshOnce(
	ctx: RequestContext,
	api: ProviderApi,
	state: RefreshState,
	seenGeneration: number,
): Promise<void> {
	if (state.generation !== seenGeneration) return;
	const earlier = earlierRefreshFailure(ctx, state, seenGeneration);
	if (earlier !== undefined) throw earlier;
	if (!state.refreshing) {
		const executionId = executionIdOf(ctx);
		state.refreshing = ctx.helpers.refreshOAuth2Token
			.call(ctx, api.credentialType)
			.then(
				() => {
					state.generation += 1;
					state.failed = undefined;
				},
				(error: unknown) => {
					if (executionId !== undefined) {
						state.failed = { generation: seenGeneration, executionId, error };
					}
					return Promise.reject(error);
				},
			)
			.finally(() => {
				state.refreshing = undefined;
			});
	}
	await state.refreshing;
}

/**
 * The credential as the node already read it this run, so that n8n-core signs each request
 * without reading and decrypting it from the database again. OAuth2 types are read by n8n-core
 * itself, to sign with the newest token after a refresh.
 */
async function credentialOptions(
	ctx: RequestContext,
	api: ProviderApi,
): Promise<IAdditionalCredentialOptions | undefined> {
	if (api.oauth2) return undefined;
	const details = ctx.getNode().credentials?.[api.credentialType];
	if (!details?.id) return undefined;
	const data = await oncePerRun(
		ctx,
		api.credentialType,
		async () => await ctx.getCredentials(api.credentialType),
	);
	return {
		credentialsDecrypted: {
			id: details.id,
			name: details.name,
			type: api.credentialType,
			data: { ...data },
		},
	};
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

function refreshFailure(
	api: ProviderApi,
	error: unknown,
	secrets: readonly string[],
): ProviderFailure {
	if (error instanceof WaitTimeoutError) {
		return {
			provider: api.name,
			statusCode: 401,
			message: 'Renewing the connection took too long',
			hint: `${api.name}'s token endpoint did not answer in time. Try again later; if it keeps happening, reconnect the ${api.name} credential.`,
		};
	}
	const said = redact(String((error as Error)?.message ?? ''), secrets).trim();
	return {
		provider: api.name,
		statusCode: 401,
		message: 'The connection expired and could not be renewed',
		hint: `Reconnect the ${api.name} credential (open it and click "Connect my account").${said ? ` The token endpoint said: ${said}` : ''}`,
	};
}

/**
 * Sends one provider request for one item: paced per credential, 429s retried after
 * Retry-After within the item's maximum wait, transient failures retried only when the
 * request is idempotent, OAuth2 tokens refreshed once per credential. Returns a 2xx answer
 * or throws the provider's error. Every pacer turn taken is given back exactly once, and no wait
 * outlives the item's deadline or the execution's cancellation.
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
	const signal = cancelSignalOf(ctx);
	const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const deadline = Date.now() + settings.maxWaitMs;
	const maxRetries = settings.maxRetries ?? DEFAULT_MAX_RETRIES;
	const fail = (failure: ProviderFailure): NodeApiError =>
		toNodeApiError(node, failure, settings.itemIndex, settings.secrets);
	const cancelledFailure = (): NodeApiError =>
		fail({
			provider: api.name,
			message: 'Stopped: the execution was cancelled',
			hint: request.idempotent
				? undefined
				: `A request already on its way may have reached ${api.name}: check there before running the node again.`,
		});
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
	const wait = async (ms: number): Promise<void> => {
		try {
			await pause(ms, signal);
		} catch {
			throw cancelledFailure();
		}
	};

	let transientRetries = 0;
	let refreshed = false;
	for (let attempt = 0; ; attempt++) {
		let generation = 0;
		if (refreshState) {
			// Wait for a refresh under way before taking a pacer turn: a turn is only held while sending.
			try {
				if (refreshState.refreshing) {
					await waitAtMost(refreshState.refreshing, Date.now() + timeoutMs, signal);
				}
				const earlier = earlierRefreshFailure(ctx, refreshState, refreshState.generation);
				if (earlier !== undefined) throw earlier;
			} catch (error) {
				if (error instanceof ExecutionCancelledError) throw cancelledFailure();
				throw fail(refreshFailure(api, error, settings.secrets));
			}
			generation = refreshState.generation;
		}

		if (pacer) {
			try {
				await pacer.acquire(deadline, signal);
			} catch (error) {
				if (error instanceof ExecutionCancelledError) throw cancelledFailure();
				throw rateLimitFailure((error as RateLimitWaitTooLongError).retryAt ?? Date.now());
			}
		}

		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			headers: { Accept: 'application/json', ...(request.headers ?? {}) },
			body: request.body,
			json: typeof request.body !== 'string' && !Buffer.isBuffer(request.body),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			...(signal ? { abortSignal: signal } : {}),
		};

		let answer: HttpAnswer | undefined;
		let sendError: unknown;
		try {
			answer = (
				api.authenticatesRequests === false || request.authenticated === false
					? await ctx.helpers.httpRequest(options)
					: await ctx.helpers.httpRequestWithAuthentication.call(
							ctx,
							api.credentialType,
							options,
							await credentialOptions(ctx, api),
						)
			) as HttpAnswer;
		} catch (error) {
			sendError = error;
		} finally {
			pacer?.release(answer ? api.readRateLimit?.(answer.headers) : undefined);
		}

		if (!answer) {
			if (signal?.aborted) throw cancelledFailure();
			const failure = transportFailure(api, sendError);
			const code = typeof failure.code === 'string' ? failure.code : undefined;
			if ((request.idempotent || safeToResend(code)) && transientRetries < maxRetries) {
				await wait(backoffMs(transientRetries++));
				continue;
			}
			if (!request.idempotent && !safeToResend(code)) {
				// A timeout or a dropped connection after sending: the provider may have acted.
				failure.hint = `${failure.hint} The request may have reached ${api.name}: check there before running the node again.`;
				failure.details = { ...failure.details, [MAY_HAVE_ACTED]: true };
			}
			throw fail(failure);
		}

		const notFromApi = describeNonApiAnswer(answer, settings.secrets);
		if (answer.statusCode >= 200 && answer.statusCode < 300 && !notFromApi) return answer;

		if (answer.statusCode === 401 && refreshState && !refreshed) {
			refreshed = true;
			try {
				await waitAtMost(
					refreshOnce(ctx, api, refreshState, generation),
					Date.now() + timeoutMs,
					signal,
				);
			} catch (error) {
				if (error instanceof ExecutionCancelledError) throw cancelledFailure();
				throw fail(refreshFailure(api, error, settings.secrets));
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
			if (!pacer) await wait(retryAt - Date.now());
			continue;
		}

		const transient = (api.isTransient ?? defaultTransient)(answer);
		if (transient && request.idempotent && transientRetries < maxRetries) {
			const retryAt = parseRetryAfter(answer.headers['retry-after']);
			await wait(retryAt ? retryAt - Date.now() : backoffMs(transientRetries));
			transientRetries++;
			continue;
		}

		const failure = api.readFailure(answer);
		const final = notFromApi ? nonApiFailure(api, answer, failure, notFromApi) : failure;
		// A server error while creating says nothing about whether the provider acted first; a 503
		// is an unavailable service that turned the request away.
		if (!request.idempotent && answer.statusCode >= 500 && answer.statusCode !== 503) {
			final.details = { ...final.details, [MAY_HAVE_ACTED]: true };
		}
		throw fail(final);
	}
}

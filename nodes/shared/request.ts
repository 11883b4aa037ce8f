import {
	type IAdditionalCredentialOptions,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type NodeApiError,
} from 'n8n-workflow';

import { unexpectedAnswerFailure, type AnswerShape } from './answer-shapes';
import { toNodeApiError, type ProviderFailure } from './errors';
import { itemSends } from './item-starts';
import { describeNonApiAnswer, nonApiFailure } from './non-api-answers';
import type { PublishedRateLimit, RateLimitReading, RateLimitWaitTooLongError } from './pacing';
import { cancelledHint, markFailedAnswer, markUnansweredRequest } from './policies/may-have-acted';
import { OAuth2Refresh, refreshFailure } from './policies/oauth2-refresh';
import { pacerOf, sendInTurn, type Sent } from './policies/paced-turn';
import { rateLimitFailure, retryAtAfter429 } from './policies/rate-limit-wait';
import { TransientRetries } from './policies/transient-retry';
import { nodeOf, oncePerRun } from './run-cache';
import { ExecutionCancelledError, pause } from './waits';

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
	/** What a 2xx answer must hold to be the result; a 2xx without it is an error. */
	expect?: AnswerShape;
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

export { MAY_HAVE_ACTED, mayHaveReachedProvider } from './policies/may-have-acted';

/** Node executions and the editor's list searches share one pacer and one refresh lock. */
/** Operations, list searches in the editor, and a trigger's activation hooks. */
export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

function credentialKey(ctx: RequestContext, api: ProviderApi): string {
	const details = nodeOf(ctx).credentials?.[api.credentialType];
	return `${api.credentialType}:${details?.id ?? details?.name ?? 'default'}`;
}

export function cancelSignalOf(ctx: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
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
	const details = nodeOf(ctx).credentials?.[api.credentialType];
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

/**
 * n8n-core signs an OAuth2 request with the credential it reads through `this.getCredentials`, on
 * every request (it ignores `credentialsDecrypted`): this context answers that read from the node
 * run's copy instead, read again only once a refresh has saved a new token.
 */
function signerReadingOncePerRun(
	ctx: RequestContext,
	credentialType: string,
	tokenGeneration: number,
): RequestContext {
	const getCredentials = async (type: string, ...rest: unknown[]) =>
		type === credentialType
			? {
					...(await oncePerRun(ctx, `${type}@${tokenGeneration}`, async () => {
						return await ctx.getCredentials(type);
					})),
				}
			: await (ctx.getCredentials as (...args: unknown[]) => Promise<unknown>)(type, ...rest);
	return Object.create(ctx, { getCredentials: { value: getCredentials } }) as RequestContext;
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

async function send(
	ctx: RequestContext,
	api: ProviderApi,
	request: ProviderRequest,
	timeoutMs: number,
	signal: AbortSignal | undefined,
	tokenGeneration: number,
): Promise<HttpAnswer> {
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
	return (
		api.authenticatesRequests === false || request.authenticated === false
			? await ctx.helpers.httpRequest(options)
			: await ctx.helpers.httpRequestWithAuthentication.call(
					api.oauth2 ? signerReadingOncePerRun(ctx, api.credentialType, tokenGeneration) : ctx,
					api.credentialType,
					options,
					await credentialOptions(ctx, api),
				)
	) as HttpAnswer;
}

/**
 * Sends one provider request for one item, composing one policy per step: OAuth2 refresh
 * (policies/oauth2-refresh), a pacer turn per request (policies/paced-turn), rate-limit waits
 * (policies/rate-limit-wait), transient retries of requests that cannot act twice
 * (policies/transient-retry) and the may-have-acted marking (policies/may-have-acted). Returns a
 * 2xx answer or throws the provider's error. No wait outlives the item's deadline or the
 * execution's cancellation.
 */
export async function sendProviderRequest(
	ctx: RequestContext,
	api: ProviderApi,
	request: ProviderRequest,
	settings: RequestSettings,
): Promise<HttpAnswer> {
	const key = credentialKey(ctx, api);
	const pacer = pacerOf(api, key);
	const refresh = api.oauth2 ? new OAuth2Refresh(ctx, api.credentialType, key) : undefined;
	const retries = new TransientRetries(request.idempotent, settings.maxRetries, api.isTransient);
	const signal = cancelSignalOf(ctx);
	const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const deadline = Date.now() + settings.maxWaitMs;
	const fail = (failure: ProviderFailure): NodeApiError =>
		toNodeApiError(nodeOf(ctx), failure, settings.itemIndex, settings.secrets);
	const cancelled = (): NodeApiError =>
		fail({
			provider: api.name,
			message: 'Stopped: the execution was cancelled',
			hint: cancelledHint(api.name, request.idempotent),
		});
	const refreshed = async <T>(step: () => Promise<T>): Promise<T> => {
		try {
			return await step();
		} catch (error) {
			if (error instanceof ExecutionCancelledError) throw cancelled();
			throw fail(refreshFailure(api.name, error, settings.secrets));
		}
	};
	const wait = async (ms: number): Promise<void> => {
		try {
			await pause(ms, signal);
		} catch {
			throw cancelled();
		}
	};

	for (let attempt = 0; ; attempt++) {
		// A refresh under way is waited for before taking a pacer turn: a turn is only held while sending.
		const generation = refresh ? await refreshed(() => refresh.ready(timeoutMs, signal)) : 0;

		let sent: Sent;
		try {
			sent = await sendInTurn(
				pacer,
				api,
				{ deadline, signal, onTurn: () => itemSends(ctx, settings.itemIndex) },
				() => send(ctx, api, request, timeoutMs, signal, generation),
			);
		} catch (error) {
			if (error instanceof ExecutionCancelledError) throw cancelled();
			const retryAt = (error as RateLimitWaitTooLongError).retryAt ?? Date.now();
			throw fail(rateLimitFailure(api, settings.maxWaitMs, retryAt));
		}

		const answer = sent.answer;
		if (!answer) {
			if (signal?.aborted) throw cancelled();
			const failure = transportFailure(api, sent.error);
			const code = typeof failure.code === 'string' ? failure.code : undefined;
			const retryInMs = retries.afterNoAnswer(code);
			if (retryInMs !== undefined) {
				await wait(retryInMs);
				continue;
			}
			throw fail(markUnansweredRequest(failure, api.name, request.idempotent, code));
		}

		const notFromApi = describeNonApiAnswer(answer, settings.secrets);
		const success = answer.statusCode >= 200 && answer.statusCode < 300;
		if (success && !notFromApi) {
			if (!request.expect || request.expect.fits(answer.body)) return answer;
			const acts = request.method !== 'GET';
			throw fail(
				unexpectedAnswerFailure(api.name, answer, request.expect, acts, request.idempotent),
			);
		}

		if (refresh?.shouldRenew(answer.statusCode)) {
			await refreshed(() => refresh.renew(generation, timeoutMs, signal));
			continue;
		}

		if (answer.statusCode === 429) {
			const retryAt = retryAtAfter429(api, answer, attempt);
			pacer?.blockUntil(retryAt);
			if (retryAt > deadline)
				throw fail(rateLimitFailure(api, settings.maxWaitMs, retryAt, answer));
			// With a pacer, its next turn is the wait.
			if (!pacer) await wait(retryAt - Date.now());
			continue;
		}

		const retryInMs = retries.afterAnswer(answer);
		if (retryInMs !== undefined) {
			await wait(retryInMs);
			continue;
		}

		const failure = api.readFailure(answer);
		const final = notFromApi ? nonApiFailure(api, answer, failure, notFromApi) : failure;
		const brokenSuccess = success && notFromApi?.kind !== 'an HTML page';
		throw fail(markFailedAnswer(final, request.idempotent, answer.statusCode, brokenSuccess));
	}
}

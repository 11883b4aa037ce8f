import type { ProviderFailure } from '../errors';
import { parseRetryAfter } from '../pacing';
import type { HttpAnswer, ProviderApi } from '../request';
import { backoffMs } from './transient-retry';

/**
 * When a 429 may be retried (epoch ms): the Retry-After header, else the time the provider put in
 * its answer, else the provider's fallback, else a backoff growing with the attempt. A 429 is
 * retried whatever the request: the provider refused it before acting.
 */
export function retryAtAfter429(
	api: ProviderApi,
	answer: HttpAnswer,
	attempt: number,
	now = Date.now(),
): number {
	return (
		parseRetryAfter(answer.headers['retry-after'], now) ??
		api.readRetryAfter?.(answer) ??
		now + (api.retryAfterFallbackMs ?? backoffMs(attempt))
	);
}

/** The item's failure when waiting until `retryAt` would outlast its Max Wait for Rate Limits. */
export function rateLimitFailure(
	api: ProviderApi,
	maxWaitMs: number,
	retryAt: number,
	answer?: HttpAnswer,
): ProviderFailure {
	const providerSaid = answer ? api.readFailure(answer) : undefined;
	const when = new Date(retryAt).toISOString();
	return {
		provider: api.name,
		statusCode: answer?.statusCode ?? 429,
		code: providerSaid?.code,
		traceId: providerSaid?.traceId,
		message: `Rate limit reached; try again after ${when}`,
		hint: `${providerSaid?.message ? `${api.name} said: "${providerSaid.message}". ` : ''}Waiting until then would take longer than the node's Max Wait for Rate Limits (${Math.round(maxWaitMs / 1000)} s). Raise that option, or send fewer items at once.`,
	};
}

import type { HttpAnswer } from '../request';
import { parseRetryAfter } from '../pacing';
import { neverReachedProvider } from './may-have-acted';

export const DEFAULT_MAX_RETRIES = 3;

/** 500 ms, 1 s, 2 s, … at most 30 s. */
export function backoffMs(attempt: number): number {
	return Math.min(30_000, 500 * 2 ** attempt);
}

export function defaultTransient(answer: HttpAnswer): boolean {
	return answer.statusCode === 502 || answer.statusCode === 503 || answer.statusCode === 504;
}

/**
 * Transient failures of one request: sent again only when sending twice cannot act twice (an
 * idempotent request, or a connection refused before anything was sent), at most maxRetries times.
 * Each method answers how long to wait before sending again, or undefined: do not send again.
 */
export class TransientRetries {
	private retries = 0;

	constructor(
		private readonly idempotent: boolean,
		private readonly maxRetries = DEFAULT_MAX_RETRIES,
		private readonly isTransient: (answer: HttpAnswer) => boolean = defaultTransient,
	) {}

	/** No answer came: a timeout, a dropped or a refused connection. */
	afterNoAnswer(transportCode: string | undefined): number | undefined {
		if (!this.idempotent && !neverReachedProvider(transportCode)) return undefined;
		if (this.retries >= this.maxRetries) return undefined;
		return backoffMs(this.retries++);
	}

	/** A failed answer other than 429; the provider's Retry-After wins over the backoff. */
	afterAnswer(answer: HttpAnswer, now = Date.now()): number | undefined {
		if (!this.idempotent || !this.isTransient(answer)) return undefined;
		if (this.retries >= this.maxRetries) return undefined;
		const retryAt = parseRetryAfter(answer.headers['retry-after'], now);
		const waitMs = retryAt ? retryAt - now : backoffMs(this.retries);
		this.retries++;
		return waitMs;
	}
}

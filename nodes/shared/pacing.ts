import { ExecutionCancelledError, pause, waitAtMost, WaitTimeoutError } from './waits';

export interface PublishedRateLimit {
	requests: number;
	perMs: number;
}

export interface RateLimitReading {
	limit?: number;
	remaining?: number;
	/** When the provider's window resets, in epoch milliseconds. */
	resetAt?: number;
}

/** Thrown when waiting for the rate limit would take longer than the user allows. */
export class RateLimitWaitTooLongError extends Error {
	constructor(readonly retryAt: number) {
		super('Waiting for the rate limit would exceed the maximum wait');
	}
}

/**
 * One pacer per provider and credential, shared by every request in flight (and by every
 * execution in this n8n process), so that parallel items slow down together instead of
 * each running into a 429.
 */
export class RequestPacer {
	private capacity: number;
	/** The documented refill rate, until the provider's headers tell the real one. */
	private readonly documentedRefillPerMs: number;
	private refillPerMs: number;
	/** The highest refill rate the headers showed since the last 429 (each reading errs low). */
	private readRefillPerMs = 0;
	private tokens: number;
	private lastRefill = Date.now();
	private blockedUntil = 0;
	private inFlight = 0;
	/** False until the provider's headers have been read: until then one request goes alone. */
	private calibrated: boolean;
	private queue: Promise<void> = Promise.resolve();
	/** Callers in the queue, waiting for their turn. */
	private queued = 0;
	private releaseWaiters: Array<() => void> = [];

	constructor(published: PublishedRateLimit | undefined, reportsLimits: boolean) {
		this.capacity = published?.requests ?? Number.POSITIVE_INFINITY;
		this.documentedRefillPerMs = published ? published.requests / published.perMs : 0;
		this.refillPerMs = this.documentedRefillPerMs;
		this.tokens = this.capacity;
		this.calibrated = !reportsLimits;
	}

	/** Requests that acquired a turn and have not released it yet. */
	get requestsInFlight(): number {
		return this.inFlight;
	}

	/**
	 * Waits for a turn (first come, first served); fails rather than wait past the deadline or
	 * after the execution is cancelled. A caller that gave up never takes a turn later on.
	 */
	async acquire(deadline: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new ExecutionCancelledError();
		// Nobody ahead and a token at hand: the turn is now, with no wait to bound (no timer, no
		// cancel listener per request).
		if (this.queued === 0 && this.takeNow()) return;
		let abandoned = false;
		this.queued++;
		const turn = this.queue.then(async () => {
			if (abandoned) return;
			await this.takeToken(deadline, signal);
			if (abandoned) this.release();
		});
		this.queue = turn.catch(() => undefined).finally(() => this.queued--);
		const failure = await waitAtMost(turn, deadline, signal).then(
			() => undefined,
			(error: unknown) => error,
		);
		if (failure === undefined) return;
		abandoned = true;
		throw failure instanceof WaitTimeoutError ? new RateLimitWaitTooLongError(deadline) : failure;
	}

	/**
	 * Every acquired turn ends here exactly once, with what the provider's headers said, if
	 * anything, and when its request was sent (the provider counted it after that).
	 */
	release(reading?: RateLimitReading, sentAt?: number): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (reading) this.observe(reading, sentAt);
		else this.calibrated = true;
		const waiters = this.releaseWaiters;
		this.releaseWaiters = [];
		for (const wake of waiters) wake();
	}

	/** After a 429: nobody sends before the provider said to, and then one request probes. */
	blockUntil(time: number): void {
		if (time > this.blockedUntil) this.blockedUntil = time;
		this.tokens = 0;
		this.calibrated = false;
		// The rate read from the headers let a 429 through: back to the documented one until the
		// next reading.
		this.refillPerMs = this.documentedRefillPerMs;
		this.readRefillPerMs = 0;
	}

	private observe(reading: RateLimitReading, sentAt = Date.now()): void {
		this.refill();
		this.calibrated = true;
		// Our count followed a rate read from the headers (each reading errs low): it is never above
		// the provider's, so within Remaining's rounding it stands.
		const trusted = this.readRefillPerMs > 0;
		// The provider's own count wins over our estimate, in both directions.
		if (reading.limit !== undefined && reading.limit > 0) this.capacity = reading.limit;
		// From when the request left: the answer's way back would make the bucket look faster.
		const readRate = refillRateOf(reading, sentAt);
		if (readRate !== undefined && this.documentedRefillPerMs > 0) {
			// Every reading rounds against us, each by a different amount: the highest is the closest.
			this.readRefillPerMs = Math.max(this.readRefillPerMs, readRate);
			this.refillPerMs = this.readRefillPerMs;
		}
		if (reading.remaining !== undefined) {
			// Requests still in flight will spend from what the provider reported as left. Remaining
			// is rounded down and counted before the answer travelled back: our own count, when it
			// is trusted and within the one token above it, keeps that fraction and the refill since;
			// otherwise the provider's count wins, in both directions.
			const atLeast = Math.max(0, reading.remaining - this.inFlight);
			const ours = trusted && this.tokens >= atLeast && this.tokens < atLeast + 1;
			this.tokens = Math.min(this.capacity, ours ? this.tokens : atLeast);
			// With a documented refill rate the next token is near; without one, wait for the reset.
			if (reading.remaining <= 0 && reading.resetAt !== undefined && this.refillPerMs <= 0) {
				this.blockUntil(reading.resetAt);
			}
		}
	}

	private refill(): void {
		const now = Date.now();
		if (this.refillPerMs > 0 && now > this.blockedUntil) {
			const from = Math.max(this.lastRefill, this.blockedUntil);
			this.tokens = Math.min(this.capacity, this.tokens + (now - from) * this.refillPerMs);
		}
		this.lastRefill = now;
	}

	/** Until a request in flight answers, but never past the deadline. */
	private async nextRelease(deadline: number, signal?: AbortSignal): Promise<void> {
		const released = new Promise<void>((resolve) => this.releaseWaiters.push(resolve));
		const failure = await waitAtMost(released, deadline, signal).then(
			() => undefined,
			(error: unknown) => error,
		);
		if (failure === undefined) return;
		throw failure instanceof WaitTimeoutError ? new RateLimitWaitTooLongError(deadline) : failure;
	}

	/** Takes a token if one is there now and nothing holds requests back. */
	private takeNow(): boolean {
		this.refill();
		if (Date.now() < this.blockedUntil || (!this.calibrated && this.inFlight > 0)) return false;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		this.inFlight += 1;
		return true;
	}

	private async takeToken(deadline: number, signal?: AbortSignal): Promise<void> {
		for (;;) {
			if (signal?.aborted) throw new ExecutionCancelledError();
			this.refill();
			const now = Date.now();
			if (now < this.blockedUntil) {
				if (this.blockedUntil > deadline) throw new RateLimitWaitTooLongError(this.blockedUntil);
				await pause(this.blockedUntil - now, signal);
				continue;
			}
			if (!this.calibrated && this.inFlight > 0) {
				await this.nextRelease(deadline, signal);
				continue;
			}
			if (this.takeNow()) return;
			if (this.refillPerMs > 0) {
				const waitMs = Math.ceil((1 - this.tokens) / this.refillPerMs);
				if (now + waitMs > deadline) throw new RateLimitWaitTooLongError(now + waitMs);
				await pause(waitMs, signal);
			} else if (this.inFlight > 0) {
				// No refill rate known: the next answer's headers tell what is left.
				await this.nextRelease(deadline, signal);
			} else {
				this.tokens = 1;
			}
		}
	}
}

/**
 * The refill rate a reading carries, in requests per millisecond: a bucket short of
 * Limit - Remaining requests that is full again at Reset refills at (Limit - Remaining) / (Reset -
 * now). Only for a limit with a documented refill (a token bucket); a fixed window's requests come
 * back all at once at its reset. Conservative where the headers round: Remaining counts one
 * request fewer (it is rounded down), and a Reset within the second being rounded up is no reading
 * (providers that give the time of the next allowed request say "now" while requests are left).
 */
export function refillRateOf(reading: RateLimitReading, now = Date.now()): number | undefined {
	const { limit, remaining, resetAt } = reading;
	if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined;
	const short = limit - remaining - 1;
	const untilFull = resetAt - now;
	if (remaining < 1 || short < 1 || untilFull <= 1000) return undefined;
	return short / untilFull;
}

const pacers = new Map<string, RequestPacer>();

export function pacerFor(
	key: string,
	published: PublishedRateLimit | undefined,
	reportsLimits: boolean,
): RequestPacer {
	let pacer = pacers.get(key);
	if (!pacer) {
		pacer = new RequestPacer(published, reportsLimits);
		pacers.set(key, pacer);
	}
	return pacer;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (trimmed === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Number(trimmed) * 1000;
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(now, date);
}

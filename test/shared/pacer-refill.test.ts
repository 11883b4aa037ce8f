import { refillRateOf, RequestPacer, type RateLimitReading } from '../../nodes/shared/pacing';

/**
 * A token bucket that reports itself like Fanvue documents it (X-RateLimit-Limit, -Remaining, and
 * -Reset in Unix seconds: when the bucket is full again), but refills at its own rate.
 */
class ReportingBucket {
	private tokens: number;
	private last = Date.now();
	refused = 0;

	constructor(
		readonly limit: number,
		private readonly perSecond: number,
	) {
		this.tokens = limit;
	}

	/** One request arriving: its answer's headers, or undefined for a 429. */
	take(): RateLimitReading | undefined {
		this.refill();
		if (this.tokens < 1) {
			this.refused++;
			return undefined;
		}
		this.tokens -= 1;
		const untilFullMs = ((this.limit - this.tokens) / this.perSecond) * 1000;
		return {
			limit: this.limit,
			remaining: Math.floor(this.tokens),
			resetAt: Math.ceil((Date.now() + untilFullMs) / 1000) * 1000,
		};
	}

	private refill(): void {
		const now = Date.now();
		this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) / 1000) * this.perSecond);
		this.last = now;
	}
}

/** `count` requests, `parallel` in flight, 5 ms each, through the pacer; answers how long they took. */
async function send(
	pacer: RequestPacer,
	bucket: ReportingBucket,
	count: number,
	parallel = 10,
): Promise<number> {
	const started = Date.now();
	let next = 0;
	const worker = async () => {
		while (next++ < count) {
			for (;;) {
				await pacer.acquire(Date.now() + 60_000);
				const reading = bucket.take();
				await new Promise((resolve) => setTimeout(resolve, 5));
				pacer.release(reading);
				if (reading) break;
				pacer.blockUntil(Date.now() + 1000);
			}
		}
	};
	await Promise.all(Array.from({ length: parallel }, worker));
	return Date.now() - started;
}

describe('pacer: the refill rate comes from the provider’s headers, the documented one only without them', () => {
	it('follows a bucket that refills 8 times as fast as documented, without waiting for the documented rate', async () => {
		const bucket = new ReportingBucket(120, 80);
		const pacer = new RequestPacer({ requests: 10, perMs: 1000 }, true);
		// 120 at once, then 80 more at 80 per second: 1 s at best; the documented rate would take 8 s.
		const tookMs = await send(pacer, bucket, 200);
		expect(bucket.refused).toBe(0);
		expect(tookMs).toBeLessThan(1500);
	});

	it('follows a bucket that refills half as fast as documented, without a 429', async () => {
		const bucket = new ReportingBucket(120, 20);
		const pacer = new RequestPacer({ requests: 40, perMs: 1000 }, true);
		// 120 at once, then 80 more at 20 per second: 4 s at best.
		const tookMs = await send(pacer, bucket, 200);
		expect(bucket.refused).toBe(0);
		expect(tookMs).toBeGreaterThanOrEqual(3900);
		expect(tookMs).toBeLessThan(5500);
	});

	it('reads Limit - Remaining requests refilled by Reset, conservatively where the headers round', () => {
		const now = 1_000_000;
		expect(refillRateOf({ limit: 200, remaining: 99, resetAt: now + 50_000 }, now)).toBe(
			100 / 50_000,
		);
		// Without Limit, or with Reset as "the next request is allowed now", it says nothing.
		expect(refillRateOf({ remaining: 99, resetAt: now + 50_000 }, now)).toBeUndefined();
		expect(refillRateOf({ limit: 200, remaining: 150, resetAt: now + 800 }, now)).toBeUndefined();
		// Nothing left: Reset may be the time of the next request, not of a full bucket.
		expect(refillRateOf({ limit: 200, remaining: 0, resetAt: now + 60_000 }, now)).toBeUndefined();
	});

	it('without a documented rate, a reading gives no refill rate (it may be a fixed window)', async () => {
		const pacer = new RequestPacer(undefined, true);
		await pacer.acquire(Date.now() + 1000);
		pacer.release({ limit: 10, remaining: 0, resetAt: Date.now() + 300 });
		const started = Date.now();
		await pacer.acquire(Date.now() + 2000);
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);
	});
});

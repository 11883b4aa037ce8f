import { readFanvueRateLimit } from '../../../nodes/Fanvue/transport';
import { parseRetryAfter, refillRateOf, RequestPacer } from '../../../nodes/shared/pacing';
import { FanvueFake } from '../../../fakes/fanvue';

/**
 * Fanvue documents X-RateLimit-Reset as the time (Unix seconds) when the bucket is full again. The
 * fake says so, Fanvue's reader turns it into a reading, and the pacer takes the refill rate from
 * it: a bucket that refills slower than the documented 200 per 60 s is followed without a 429.
 */
describe('rate-limit headers: X-RateLimit-Reset is when the bucket is full again', () => {
	let fake: FanvueFake;
	let token: string;

	beforeAll(async () => {
		fake = await new FanvueFake().start();
	});
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.reset();
		token = fake.tokens.issueGrant().access_token;
	});

	const post = async () => {
		const answer = await fetch(`${fake.baseUrl}/chats`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				'x-fanvue-api-version': fake.currentVersion,
			},
			body: JSON.stringify({ userUuid: fake.fans[0].uuid }),
		});
		await answer.text();
		return { status: answer.status, headers: Object.fromEntries(answer.headers.entries()) };
	};

	it('the fake reports when its bucket is full again, and the reading is a rate never above the real one', async () => {
		fake.useRateLimit(20, 8000);
		let last: Awaited<ReturnType<typeof post>> | undefined;
		for (let i = 0; i < 5; i++) last = await post();
		const now = Date.now();
		const reading = readFanvueRateLimit(last!.headers)!;
		expect(reading.limit).toBe(20);
		expect(reading.remaining).toBe(15);
		// 5 requests short at 20 per 8 s: full again in 2 s, rounded up to the second.
		expect(reading.resetAt! - now).toBeGreaterThan(1000);
		expect(reading.resetAt! - now).toBeLessThanOrEqual(3000);
		const rate = refillRateOf(reading, now)!;
		expect(rate).toBeLessThanOrEqual(20 / 8000);
		expect(rate).toBeGreaterThan(20 / 8000 / 3);
	});

	it('a bucket refilling 7.5× slower than documented: everything through near its floor, no 429', async () => {
		fake.useRateLimit(20, 8000);
		fake.latencyMs = 50;
		const pacer = new RequestPacer({ requests: 200, perMs: 60_000 }, true);
		const times: number[] = [];
		let refused = 0;
		const item = async () => {
			for (;;) {
				await pacer.acquire(Date.now() + 60_000);
				const sentAt = Date.now();
				times.push(sentAt);
				const answer = await post();
				pacer.release(readFanvueRateLimit(answer.headers), sentAt);
				if (answer.status !== 429) return;
				refused++;
				pacer.blockUntil(parseRetryAfter(answer.headers['retry-after'])!);
			}
		};
		await Promise.all(Array.from({ length: 40 }, item));
		// 20 at once, then 20 more at 20 per 8 s: 8 s at best from the first request to the last.
		const spanMs = Math.max(...times) - Math.min(...times);
		expect(refused).toBe(0);
		expect(fake.rateLimited).toHaveLength(0);
		expect(spanMs).toBeGreaterThanOrEqual(7500);
		expect(spanMs).toBeLessThanOrEqual(8800);
	}, 30_000);
});

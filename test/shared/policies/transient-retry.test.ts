import {
	backoffMs,
	defaultTransient,
	TransientRetries,
} from '../../../nodes/shared/policies/transient-retry';

const answer = (statusCode: number, headers: Record<string, unknown> = {}) => ({
	statusCode,
	headers,
	body: {},
});

describe('transient retry: only requests that cannot act twice are sent again', () => {
	it('retries an idempotent request after no answer, with a growing backoff, at most 3 times', () => {
		const retries = new TransientRetries(true);
		expect([1, 2, 3, 4].map(() => retries.afterNoAnswer('ETIMEDOUT'))).toEqual([
			500,
			1000,
			2000,
			undefined,
		]);
	});

	it('never resends a create after a timeout or a dropped connection', () => {
		const retries = new TransientRetries(false);
		expect(retries.afterNoAnswer('ETIMEDOUT')).toBeUndefined();
		expect(retries.afterNoAnswer('ECONNRESET')).toBeUndefined();
		expect(retries.afterNoAnswer(undefined)).toBeUndefined();
	});

	it('resends even a create when the connection was refused: nothing was sent', () => {
		const retries = new TransientRetries(false, 2);
		expect(retries.afterNoAnswer('ECONNREFUSED')).toBe(500);
		expect(retries.afterNoAnswer('ECONNREFUSED')).toBe(1000);
		expect(retries.afterNoAnswer('ECONNREFUSED')).toBeUndefined();
	});

	it('retries 502, 503 and 504 of an idempotent request, never of a create', () => {
		for (const status of [502, 503, 504]) {
			expect(new TransientRetries(true).afterAnswer(answer(status))).toBe(500);
			expect(new TransientRetries(false).afterAnswer(answer(status))).toBeUndefined();
		}
		expect(new TransientRetries(true).afterAnswer(answer(500))).toBeUndefined();
		expect(new TransientRetries(true).afterAnswer(answer(422))).toBeUndefined();
		expect(defaultTransient(answer(503))).toBe(true);
	});

	it("waits the provider's Retry-After on a transient answer, and counts it", () => {
		const now = Date.now();
		const retries = new TransientRetries(true, 1);
		expect(retries.afterAnswer(answer(503, { 'retry-after': '4' }), now)).toBe(4000);
		expect(retries.afterAnswer(answer(503), now)).toBeUndefined();
	});

	it("uses the provider's own idea of transient", () => {
		const retries = new TransientRetries(true, 3, (a) => a.statusCode === 500);
		expect(retries.afterAnswer(answer(500))).toBe(500);
		expect(retries.afterAnswer(answer(503))).toBeUndefined();
	});

	it('shares one budget between no answers and transient answers', () => {
		const retries = new TransientRetries(true, 2);
		expect(retries.afterNoAnswer('ETIMEDOUT')).toBe(500);
		expect(retries.afterAnswer(answer(503))).toBe(1000);
		expect(retries.afterNoAnswer('ETIMEDOUT')).toBeUndefined();
	});

	it('backs off 0.5 s, 1 s, 2 s … never more than 30 s', () => {
		expect([0, 1, 2, 6, 7, 20].map(backoffMs)).toEqual([500, 1000, 2000, 30_000, 30_000, 30_000]);
	});
});

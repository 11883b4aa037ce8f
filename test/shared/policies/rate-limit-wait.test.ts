import { rateLimitFailure, retryAtAfter429 } from '../../../nodes/shared/policies/rate-limit-wait';
import type { ProviderApi } from '../../../nodes/shared/request';

const now = Date.parse('2026-11-24T10:00:00Z');
const api = (extra: Partial<ProviderApi> = {}): ProviderApi => ({
	name: 'P',
	credentialType: 'p',
	readFailure: (answer) => ({
		provider: 'P',
		message: String((answer.body as { message?: string }).message ?? ''),
		code: 1007,
		traceId: 'tr_1',
	}),
	...extra,
});
const tooMany = (headers: Record<string, unknown> = {}, body: unknown = {}) => ({
	statusCode: 429,
	headers,
	body,
});

describe("rate-limit wait: a 429 is retried when the provider says, within the item's Max Wait", () => {
	it('Retry-After comes first', () => {
		const withBodyTime = api({ readRetryAfter: () => now + 99_000, retryAfterFallbackMs: 10_000 });
		expect(retryAtAfter429(withBodyTime, tooMany({ 'retry-after': '3' }), 0, now)).toBe(now + 3000);
	});

	it("then the time in the provider's answer", () => {
		const withBodyTime = api({ readRetryAfter: () => now + 7000, retryAfterFallbackMs: 10_000 });
		expect(retryAtAfter429(withBodyTime, tooMany(), 0, now)).toBe(now + 7000);
	});

	it("then the provider's fallback (Chatwoot's rack-attack sends no Retry-After)", () => {
		expect(retryAtAfter429(api({ retryAfterFallbackMs: 10_000 }), tooMany(), 5, now)).toBe(
			now + 10_000,
		);
	});

	it('then a backoff that grows with each attempt', () => {
		expect([0, 1, 2].map((attempt) => retryAtAfter429(api(), tooMany(), attempt, now))).toEqual([
			now + 500,
			now + 1000,
			now + 2000,
		]);
	});

	it("fails past Max Wait with the time to retry and the provider's own words, code and trace", () => {
		const failure = rateLimitFailure(
			api(),
			60_000,
			now + 600_000,
			tooMany({}, { message: 'quota exhausted' }),
		);
		expect(failure).toEqual({
			provider: 'P',
			statusCode: 429,
			code: 1007,
			traceId: 'tr_1',
			message: 'Rate limit reached; try again after 2026-11-24T10:10:00.000Z',
			hint: 'P said: "quota exhausted". Waiting until then would take longer than the node\'s Max Wait for Rate Limits (60 s). Raise that option, or send fewer items at once.',
		});
	});

	it('without an answer (the pacer would wait too long) it says only the time', () => {
		const failure = rateLimitFailure(api(), 2000, now);
		expect(failure.statusCode).toBe(429);
		expect(failure.hint).toMatch(/^Waiting until then .*\(2 s\)/);
	});
});

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { parseRetryAfter, RequestPacer } from '../../nodes/shared/pacing';
import { runNode } from '../engine/run-node';
import { FakeServer } from '../../fakes/fake-server';
import { OAuth2TokenEndpoint } from '../../fakes/oauth2-token-endpoint';
import {
	connectedTestOAuth2,
	TEST_OAUTH2_CLIENT,
	testApiKeyCredential,
	testEchoNode,
	testOAuth2Credential,
} from './test-node';

const fake = new FakeServer();
const tokens = new OAuth2TokenEndpoint(TEST_OAUTH2_CLIENT);
let inFlight = 0;
let maxInFlight = 0;
/** A fixed-window limit like a provider's, reported in X-RateLimit-* headers. */
let window = { limit: 0, used: 0, resetAt: 0 };

beforeAll(async () => {
	tokens.mount(fake);
	fake.route('POST', '/echo', async (request) => {
		const bearer = tokens.bearer(request);
		if (bearer !== undefined && !tokens.isValidAccessToken(bearer)) {
			return { status: 401, body: { message: 'token expired' } };
		}
		const { text } = request.body as { text: string };
		const headers: Record<string, string> = {};
		if (window.limit > 0) {
			const now = Date.now();
			if (now >= window.resetAt) window = { ...window, used: 0, resetAt: now + 1000 };
			const reset = String(Math.ceil(window.resetAt / 1000));
			if (window.used >= window.limit) {
				return {
					status: 429,
					headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
					body: { message: 'slow down' },
				};
			}
			window.used++;
			headers['x-ratelimit-remaining'] = String(window.limit - window.used);
			headers['x-ratelimit-reset'] = reset;
		}
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		const [, delay] = /delay=(\d+)/.exec(text) ?? [];
		await new Promise((resolve) => setTimeout(resolve, Number(delay ?? 5)));
		inFlight--;
		if (text.startsWith('fail'))
			return { status: 422, headers, body: { message: `refused ${text}` } };
		return { status: 200, headers, body: { echoed: text } };
	});
	await fake.start();
});
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	inFlight = 0;
	maxInFlight = 0;
	window = { limit: 0, used: 0, resetAt: 0 };
});

const items = (texts: string[]): INodeExecutionData[] => texts.map((text) => ({ json: { text } }));

function run(texts: string[], options: INodeParameters = {}, extra = {}) {
	return runNode({
		nodeType: testEchoNode('testApiKey'),
		credentialTypes: [testApiKeyCredential],
		credentials: { testApiKey: { apiKey: 'super-secret-key' } },
		parameters: { baseUrl: fake.baseUrl, text: '={{ $json.text }}', options },
		items: items(texts),
		...extra,
	});
}

describe('item loop: several items in flight', () => {
	it('keeps input order and pairedItem when later items answer first', async () => {
		const texts = Array.from({ length: 20 }, (_, i) => `item ${i} delay=${(20 - i) * 5}`);
		const result = await run(texts, { parallelRequests: 5 });
		expect(result.items.map((i) => i.json.echoed)).toEqual(texts);
		expect(result.items.map((i) => i.pairedItem)).toEqual(texts.map((_, item) => ({ item })));
		expect(maxInFlight).toBe(5);
	});

	it('sends one at a time when Max Parallel Requests is 1', async () => {
		await run(['a', 'b', 'c'], { parallelRequests: 1 });
		expect(maxInFlight).toBe(1);
	});

	it('with Continue On Fail, error items sit where their input items were', async () => {
		const result = await run(
			['a delay=40', 'fail-1', 'b', 'fail-2 delay=1', 'c'],
			{},
			{ continueOnFail: true },
		);
		expect(result.items.map((i) => i.json.echoed ?? i.json.error)).toEqual([
			'a delay=40',
			'Test Provider: refused fail-1',
			'b',
			'Test Provider: refused fail-2 delay=1',
			'c',
		]);
	});

	it('as an AI Agent tool, a failed item is answered with its error for the model, not a failed run', async () => {
		const result = await run(['ok 1', 'fail 2', 'ok 3'], {}, { asTool: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			{ echoed: 'ok 1' },
			expect.objectContaining({ error: 'Test Provider: refused fail 2' }),
			{ echoed: 'ok 3' },
		]);
	});

	it('without Continue On Fail, the node fails with the first failing item in input order', async () => {
		const result = await run(['a', 'fail-first delay=80', 'fail-second delay=1']);
		expect(result.error?.message).toBe('Test Provider: refused fail-first delay=80');
		expect(result.items).toEqual([]);
	});
});

describe('request: retries only where they cannot duplicate', () => {
	it('does not resend a non-idempotent request after a 503', async () => {
		fake.script('POST', '/echo', { status: 503, body: { message: 'unavailable' } });
		const result = await run(['x']);
		expect(fake.requests).toHaveLength(1);
		expect(result.error?.message).toBe('Test Provider: unavailable');
	});

	it('resends an idempotent request after a 503, with the same body', async () => {
		fake.script('POST', '/echo', { status: 503, body: { message: 'unavailable' } });
		const result = await runNode({
			nodeType: testEchoNode('testApiKey'),
			credentialTypes: [testApiKeyCredential],
			credentials: { testApiKey: { apiKey: 'super-secret-key' } },
			parameters: { baseUrl: fake.baseUrl, text: 'x', idempotent: true },
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests).toHaveLength(2);
		expect(fake.requests[0].rawBody).toBe(fake.requests[1].rawBody);
	});

	it('does not resend a non-idempotent request whose connection dropped', async () => {
		fake.script('POST', '/echo', { status: 200, drop: true });
		const result = await run(['x']);
		expect(fake.requests).toHaveLength(1);
		expect(result.error?.message).toMatch(/^Test Provider: Could not reach Test Provider/);
	});

	it('retries a 429 even without an idempotency key: the provider refused before acting', async () => {
		fake.script('POST', '/echo', {
			status: 429,
			headers: { 'retry-after': '0' },
			body: { message: 'slow' },
		});
		const result = await run(['x']);
		expect(result.error).toBeUndefined();
		expect(fake.requests).toHaveLength(2);
	});
});

describe('pacer: one per credential, shared by everything in flight', () => {
	it('slows all items down to the reported rate limit instead of running into 429s', async () => {
		window = { limit: 5, used: 0, resetAt: 0 };
		const texts = Array.from({ length: 15 }, (_, i) => `item ${i}`);
		const started = Date.now();
		const result = await run(texts, { parallelRequests: 10 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.echoed)).toEqual(texts);
		const answered429 = fake.requests.length - 15;
		expect(answered429).toBeLessThanOrEqual(2);
		// 15 requests at 5 per second need at least two window resets.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
	});

	it('fails an item with the time to try again when the wait exceeds Max Wait', async () => {
		fake.script('POST', '/echo', {
			status: 429,
			headers: { 'retry-after': '600' },
			body: { message: 'quota exhausted' },
		});
		const result = await run(['x'], { maxWaitSeconds: 2 });
		expect(result.error?.message).toMatch(/Rate limit reached; try again after/);
		expect(result.error?.description).toContain('quota exhausted');
	});
});

describe('OAuth2: one refresh per credential, however many requests see 401', () => {
	it('refreshes once for 20 parallel items with an expired token; the refresh token is never reused', async () => {
		const grant = tokens.issueGrant();
		tokens.expireAccessTokens();
		tokens.refreshLog.length = 0;
		const texts = Array.from({ length: 20 }, (_, i) => `item ${i} delay=20`);
		const result = await runNode({
			nodeType: testEchoNode('testOAuth2'),
			credentialTypes: [testOAuth2Credential],
			credentials: { testOAuth2: connectedTestOAuth2(fake.baseUrl, grant) },
			parameters: {
				baseUrl: fake.baseUrl,
				text: '={{ $json.text }}',
				options: { parallelRequests: 10 },
			},
			items: items(texts),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.echoed)).toEqual(texts);
		expect(tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
		expect(result.tokenUpdates).toHaveLength(1);
		const serialized = JSON.stringify(result.items);
		expect(serialized).not.toContain(grant.access_token);
		expect(serialized).not.toContain(result.tokenUpdates[0].oauthTokenData.access_token as string);
	});
});

describe('Retry-After', () => {
	const now = Date.parse('2026-11-24T10:00:00Z');
	it.each([
		['seconds', '7', now + 7000],
		['fractional seconds', '0.5', now + 500],
		['an HTTP date', 'Tue, 24 Nov 2026 10:00:30 GMT', now + 30000],
		['a date in the past', 'Tue, 24 Nov 2026 09:00:00 GMT', now],
		['absent', undefined, undefined],
		['unreadable', 'soon', undefined],
	])('reads %s', (_label, value, expected) => {
		expect(parseRetryAfter(value, now)).toBe(expected);
	});
});

describe('pacer: the provider reports the bucket, the documentation gives the refill rate', () => {
	const documented = { requests: 200, perMs: 60_000 };

	it('follows a reported budget larger than the documented one at full speed', async () => {
		const pacer = new RequestPacer(documented, true);
		await pacer.acquire(Date.now() + 1000);
		pacer.release({ limit: 1000, remaining: 900 });
		const started = Date.now();
		for (let i = 0; i < 300; i++) await pacer.acquire(Date.now() + 1000);
		expect(Date.now() - started).toBeLessThan(500);
	});

	it('refills an exhausted smaller bucket at the documented rate, not scaled down with it', async () => {
		const pacer = new RequestPacer(documented, true);
		await pacer.acquire(Date.now() + 1000);
		pacer.release({ limit: 20, remaining: 0, resetAt: Date.now() + 60_000 });
		const started = Date.now();
		// 200 per 60 s: the next request is allowed after 0.3 s, not after the reported reset.
		await pacer.acquire(Date.now() + 2000);
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);
		expect(Date.now() - started).toBeLessThan(1000);
	});
});

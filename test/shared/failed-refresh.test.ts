import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { pacerFor, RateLimitWaitTooLongError, RequestPacer } from '../../nodes/shared/pacing';
import { ExecutionCancelledError } from '../../nodes/shared/waits';
import { runNode, TestCredentialsHelper } from '../engine/run-node';
import { FakeServer, type FakeResponse } from '../../fakes/fake-server';
import { OAuth2TokenEndpoint } from '../../fakes/oauth2-token-endpoint';
import {
	connectedTestOAuth2,
	TEST_OAUTH2_CLIENT,
	testEchoNode,
	testOAuth2Credential,
} from './test-node';

/**
 * When an OAuth2 refresh fails (the refresh token was revoked, or the token endpoint is down):
 * every request says the same thing, the token endpoint is asked once, every pacer turn is given
 * back, and nothing waits forever on what a failed execution left behind.
 */
const fake = new FakeServer();
const tokens = new OAuth2TokenEndpoint(TEST_OAUTH2_CLIENT);

beforeAll(async () => {
	tokens.mount(fake);
	fake.route('POST', '/echo', async (request) => {
		const bearer = tokens.bearer(request);
		if (!tokens.isValidAccessToken(bearer))
			return { status: 401, body: { message: 'token expired' } };
		await new Promise((resolve) => setTimeout(resolve, 10));
		return {
			status: 200,
			headers: { 'x-ratelimit-remaining': '1000', 'x-ratelimit-reset': '0' },
			body: { echoed: (request.body as { text: string }).text },
		};
	});
	await fake.start();
});
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	tokens.refreshLog.length = 0;
});

/** The pacer the test node's requests share (provider name, credential type and id). */
const pacer = (): RequestPacer =>
	pacerFor('Test Provider:testOAuth2:cred-testOAuth2', undefined, true);

const items = (count: number): INodeExecutionData[] =>
	Array.from({ length: count }, (_, i) => ({ json: { text: `item ${i}` } }));

function run(
	grant: { access_token: string; refresh_token: string },
	count: number,
	extra: { options?: INodeParameters; continueOnFail?: boolean; parameters?: INodeParameters } = {},
) {
	return runNode({
		nodeType: testEchoNode('testOAuth2'),
		credentialTypes: [testOAuth2Credential],
		credentialsHelper: new TestCredentialsHelper(
			new Map([['testOAuth2', testOAuth2Credential]]),
			new Map([['testOAuth2', connectedTestOAuth2(fake.baseUrl, grant)]]),
		),
		parameters: {
			baseUrl: fake.baseUrl,
			text: '={{ $json.text }}',
			options: { parallelRequests: 25, ...extra.options },
			...extra.parameters,
		},
		items: items(count),
		continueOnFail: extra.continueOnFail,
	});
}

/** A grant whose refresh token the provider has revoked, with its access token expired. */
function revokedGrant() {
	return { access_token: 'at_expired', refresh_token: 'rt_revoked_by_the_provider' };
}

describe('a refresh that fails with invalid_grant, 40 items in flight', () => {
	it('fails every item with the same message and hint, after one token call', async () => {
		const result = await run(revokedGrant(), 40, { continueOnFail: true });
		expect(result.items).toHaveLength(40);
		for (const item of result.items) {
			expect(item.json.error).toBe(
				'Test Provider: The connection expired and could not be renewed',
			);
			expect(item.json.description).toContain('Reconnect the Test Provider credential');
		}
		expect(tokens.refreshLog).toHaveLength(1);
		expect(pacer().requestsInFlight).toBe(0);
	});

	it('without Continue On Fail the node fails with that message, never the OAuth library’s own', async () => {
		const result = await run(revokedGrant(), 40);
		expect(result.error?.message).toBe(
			'Test Provider: The connection expired and could not be renewed',
		);
		expect(result.error?.description).toContain('Reconnect the Test Provider credential');
		expect(tokens.refreshLog).toHaveLength(1);
		expect(pacer().requestsInFlight).toBe(0);
	});

	it('the next execution may try once more, and after a reconnect runs at full speed, even after a 429', async () => {
		await run(revokedGrant(), 40, { continueOnFail: true });
		await run(revokedGrant(), 40, { continueOnFail: true });
		expect(tokens.refreshLog).toHaveLength(2);

		// A 429 puts the pacer back to "one request probes alone": a leaked turn would hang here.
		fake.script('POST', '/echo', { status: 429, headers: { 'retry-after': '0' }, body: {} });
		const started = Date.now();
		const result = await run(tokens.issueGrant(), 40);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(40);
		expect(Date.now() - started).toBeLessThan(3000);
		expect(tokens.refreshLog).toHaveLength(2);
		expect(pacer().requestsInFlight).toBe(0);
	});
});

describe('every pacer turn is given back, whatever the failure', () => {
	const cases: Array<[string, FakeResponse | undefined, INodeParameters]> = [
		['a 422', { status: 422, body: { message: 'refused' } }, {}],
		['an HTML 502 page', { status: 502, body: '<html><title>502</title></html>' }, {}],
		['a dropped connection', { status: 200, drop: true }, {}],
		['a timeout', { status: 200, delayMs: 400, body: {} }, { timeoutMs: 100 }],
		[
			'a 429 beyond Max Wait',
			{ status: 429, headers: { 'retry-after': '2' }, body: {} },
			{ options: { maxWaitSeconds: 1 } },
		],
		['connection refused', undefined, { baseUrl: 'http://127.0.0.1:9' }],
	];

	it.each(cases)('%s', async (_kind, answer, parameters) => {
		const grant = tokens.issueGrant();
		if (answer) fake.script('POST', '/echo', ...Array.from({ length: 10 }, () => ({ ...answer })));
		const { options, ...rest } = parameters;
		const result = await run(grant, 10, {
			continueOnFail: true,
			parameters: rest,
			options: options as INodeParameters,
		});
		expect(result.items.filter((item) => item.json.error !== undefined).length).toBeGreaterThan(0);
		expect(pacer().requestsInFlight).toBe(0);
		// The pacer is still usable: a clean run afterwards goes through.
		fake.reset();
		const after = await run(grant, 10);
		expect(after.error).toBeUndefined();
		expect(pacer().requestsInFlight).toBe(0);
	});
});

describe('no wait without a deadline', () => {
	it('a turn waiting for an answer that never comes gives up at the deadline', async () => {
		const waiting = new RequestPacer(undefined, true);
		await waiting.acquire(Date.now() + 1000);
		// Not calibrated and one request in flight: the next one waits for its answer, but not forever.
		const started = Date.now();
		await expect(waiting.acquire(Date.now() + 200)).rejects.toBeInstanceOf(
			RateLimitWaitTooLongError,
		);
		expect(Date.now() - started).toBeLessThan(1000);
		// The one that gave up never takes a turn later on.
		waiting.release({ remaining: 100 });
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(waiting.requestsInFlight).toBe(0);
	});

	it('a cancelled execution stops waiting at once', async () => {
		const waiting = new RequestPacer(undefined, true);
		await waiting.acquire(Date.now() + 1000);
		const controller = new AbortController();
		const turn = waiting.acquire(Date.now() + 60_000, controller.signal);
		setTimeout(() => controller.abort(), 50);
		const started = Date.now();
		await expect(turn).rejects.toBeInstanceOf(ExecutionCancelledError);
		expect(Date.now() - started).toBeLessThan(500);
		waiting.release();
		expect(waiting.requestsInFlight).toBe(0);
	});

	it("the Stop button ends a node that waits out a provider's Retry-After", async () => {
		const grant = tokens.issueGrant();
		fake.script('POST', '/echo', { status: 429, headers: { 'retry-after': '2' }, body: {} });
		const started = Date.now();
		const result = await runNode({
			nodeType: testEchoNode('testOAuth2'),
			credentialTypes: [testOAuth2Credential],
			credentials: { testOAuth2: connectedTestOAuth2(fake.baseUrl, grant) },
			parameters: {
				baseUrl: fake.baseUrl,
				text: '={{ $json.text }}',
				options: { parallelRequests: 1 },
			},
			items: items(3),
			cancelAfterMs: 300,
		});
		expect(Date.now() - started).toBeLessThan(1500);
		expect(result.items).toHaveLength(0);
		// Past the Retry-After, the cancelled node has not sent the item again, nor the next ones.
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(fake.requestsTo('POST', '/echo')).toHaveLength(1);
		expect(pacer().requestsInFlight).toBe(0);
	});
});

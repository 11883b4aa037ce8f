import type {
	ICredentialDataDecryptedObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { FanvueOAuth2Api } from '../credentials/FanvueOAuth2Api.credentials';
import { Fanvue } from '../nodes/Fanvue/Fanvue.node';
import {
	runListSearch,
	runNode,
	TestCredentialsHelper,
	type NodeRunResult,
	type RunNodeOptions,
} from './engine/run-node';
import { header } from './fakes/fake-server';
import { FanvueFake } from './fakes/fanvue';

const fake = new FanvueFake();
const [ADA, GRACE, BLOCKED] = fake.fans.map((f) => f.uuid);
const UNKNOWN_FAN = 'f0000000-0000-4000-8000-00000000dead';
const UNKNOWN_CREATOR = 'c0c0c0c0-0000-4000-8000-00000000dead';
const SCOPE = 'openid offline_access offline read:self read:chat write:chat read:fan read:creator';

let grant: { access_token: string; refresh_token: string };

beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	grant = fake.tokens.issueGrant();
});

function credentialData(
	tokens: { access_token: string; refresh_token: string } = grant,
): ICredentialDataDecryptedObject {
	return {
		grantType: 'pkce',
		clientId: fake.clientId,
		clientSecret: fake.clientSecret,
		accessTokenUrl: `${fake.baseUrl}/oauth2/token`,
		authUrl: `${fake.baseUrl}/oauth2/auth`,
		authentication: 'header',
		scope: SCOPE,
		apiBaseUrl: `${fake.baseUrl}/`,
		oauthTokenData: { ...tokens, token_type: 'bearer' },
	};
}

function run(
	parameters: Record<string, unknown>,
	extra: Partial<RunNodeOptions> & { items?: INodeExecutionData[] } = {},
) {
	return runNode({
		nodeType: new Fanvue(),
		credentialTypes: [new FanvueOAuth2Api()],
		credentials: { chatProvidersFanvueOAuth2Api: credentialData() },
		parameters: { resource: 'chat', operation: 'create', ...parameters },
		...extra,
	});
}

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

/** No client secret, access token or refresh token — old or renewed — anywhere in the result. */
function expectNoSecret(result: Pick<NodeRunResult, 'items' | 'error'>, renewed: unknown[] = []) {
	const text = JSON.stringify([result.items, result.error ?? null]);
	const secrets = [fake.clientSecret, grant.access_token, grant.refresh_token];
	for (const update of renewed as Array<{ oauthTokenData: Record<string, string> }>) {
		secrets.push(update.oauthTokenData.access_token, update.oauthTokenData.refresh_token);
	}
	for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('Fanvue › credential', () => {
	it('is PKCE with Basic client auth and asks for the scopes that give a refresh token', () => {
		const credential = new FanvueOAuth2Api();
		const defaults = Object.fromEntries(credential.properties.map((p) => [p.name, p.default]));
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(defaults).toMatchObject({
			grantType: 'pkce',
			authUrl: 'https://auth.fanvue.com/oauth2/auth',
			accessTokenUrl: 'https://auth.fanvue.com/oauth2/token',
			authentication: 'header',
			apiBaseUrl: 'https://api.fanvue.com',
		});
		const scopes = String(defaults.appScopes).split(' ');
		expect(scopes).toEqual(expect.arrayContaining(['openid', 'offline_access', 'offline']));
		expect(scopes).toEqual(expect.arrayContaining(['write:chat', 'read:chat', 'read:creator']));
		// Editable: Fanvue wants exactly the scopes ticked for the app. n8n resets a custom OAuth2
		// type's stored scope to its default on connect, so the hidden scope reads the visible field.
		expect(credential.properties.find((p) => p.name === 'appScopes')?.type).toBe('string');
		expect(defaults.scope).toBe('={{$self["appScopes"]}}');
	});
});

describe('Fanvue › Create Chat: request', () => {
	it('posts the fan with a bearer token and the API version header', async () => {
		const result = await run({ fan: byId(ADA) });
		expect(result.error).toBeUndefined();
		const [request] = fake.requestsTo('POST', '/chats');
		expect(header(request, 'authorization')).toBe(`Bearer ${grant.access_token}`);
		expect(header(request, 'x-fanvue-api-version')).toBe('2025-06-26');
		expect(request.body).toEqual({ userUuid: ADA });
		expect(result.items.map((i) => i.json)).toEqual([
			{ fanUuid: ADA, creatorUuid: null, created: true, message: 'Chat created successfully' },
		]);
		expect(fake.chats).toEqual([`self/${ADA}`]);
		expectNoSecret(result);
	});

	it("creates the chat as one of the agency's creators", async () => {
		const result = await run({ fan: byId(GRACE), options: { creatorUuid: fake.creatorUuid } });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('POST', `/creators/${fake.creatorUuid}/chats`)).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			fanUuid: GRACE,
			creatorUuid: fake.creatorUuid,
			created: true,
			message: 'Chat created successfully',
		});
		expect(fake.chats).toEqual([`${fake.creatorUuid}/${GRACE}`]);
	});

	it('resolves the fan from each input item', async () => {
		const result = await run(
			{ fan: byId('={{ $json.fanId }}') },
			{ items: [{ json: { fanId: ADA } }, { json: { fanId: ` ${GRACE.toUpperCase()} ` } }] },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => r.body)).toEqual([{ userUuid: ADA }, { userUuid: GRACE }]);
		expect(result.items.map((i) => [i.json.fanUuid, i.pairedItem])).toEqual([
			[ADA, { item: 0 }],
			[GRACE, { item: 1 }],
		]);
	});
});

describe('Fanvue › Create Chat: errors in Fanvue’s words, with what to do', () => {
	it("400 contactability: this fan can't be messaged", async () => {
		const result = await run({ fan: byId(BLOCKED) });
		expect(result.error?.message).toBe('Fanvue: User is not contactable');
		expect(result.error?.description).toContain("This fan can't be messaged");
		expect(result.error?.description).toContain('HTTP 400');
		expect(fake.chats).toEqual([]);
		expectNoSecret(result);
	});

	it('400 unsupported version: names the version and how to change it', async () => {
		const result = await run({ fan: byId(ADA), options: { apiVersion: '2023-01-01' } });
		expect(header(fake.requests[0], 'x-fanvue-api-version')).toBe('2023-01-01');
		expect(result.error?.message).toBe(
			'Fanvue: API version 2023-01-01 is not supported. Supported versions: 2025-06-26',
		);
		expect(result.error?.description).toContain('Set Options > API Version');
		expect(result.error?.description).toContain('code Unsupported API version');
	});

	it('410 sunset: says which nextVersion to use', async () => {
		const result = await run({ fan: byId(ADA), options: { apiVersion: '2024-06-01' } });
		expect(result.error?.message).toBe('Fanvue: API version 2024-06-01 is no longer supported');
		expect(result.error?.description).toContain(
			'Fanvue has retired API version "2024-06-01". Set Options > API Version to 2025-06-26.',
		);
		const item = await run(
			{ fan: byId(ADA), options: { apiVersion: '2024-06-01' } },
			{ continueOnFail: true },
		);
		expect(item.items[0].json).toMatchObject({ statusCode: 410, nextVersion: '2025-06-26' });
	});

	it('401 that survives a refresh: reconnect the credential', async () => {
		fake.rejectAllTokens = true;
		const result = await run({ fan: byId(ADA) });
		expect(fake.tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
		expect(fake.requestsTo('POST', '/chats')).toHaveLength(2);
		expect(result.error?.message).toBe('Fanvue: Unauthorized');
		expect(result.error?.description).toContain('Reconnect the Fanvue credential');
		expectNoSecret(result, result.tokenUpdates);
	});

	it('401 with a refresh token Fanvue no longer accepts: reconnect the credential', async () => {
		fake.tokens.expireAccessTokens();
		const result = await runNode({
			nodeType: new Fanvue(),
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: {
				chatProvidersFanvueOAuth2Api: credentialData({
					...grant,
					refresh_token: 'rt_revoked_long_ago',
				}),
			},
			parameters: { resource: 'chat', operation: 'create', fan: byId(ADA) },
		});
		expect(fake.tokens.refreshLog).toEqual([
			{ refreshToken: 'rt_revoked_long_ago', outcome: 'invalid' },
		]);
		expect(result.error?.message).toBe('Fanvue: The connection expired and could not be renewed');
		expect(result.error?.description).toContain('Reconnect the Fanvue credential');
		expect(JSON.stringify(result.error)).not.toContain('rt_revoked_long_ago');
		expectNoSecret(result);
	});

	it('403: names the scope Create Chat needs', async () => {
		fake.grantedScopes.delete('write:chat');
		const result = await run({ fan: byId(ADA) });
		expect(result.error?.message).toBe('Fanvue: Insufficient scope');
		expect(result.error?.description).toContain('lacks a scope this needs (write:chat).');
		expect(fake.chats).toEqual([]);
	});

	it('403 as a creator: names read:creator too', async () => {
		fake.grantedScopes.delete('read:creator');
		const result = await run({ fan: byId(ADA), options: { creatorUuid: fake.creatorUuid } });
		expect(result.error?.description).toContain(
			'lacks a scope this needs (write:chat, read:creator)',
		);
	});

	it('404: an unknown fan', async () => {
		const result = await run({ fan: byId(UNKNOWN_FAN) });
		expect(result.error?.message).toBe('Fanvue: User not found');
		expect(result.error?.description).toContain("Check the fan's UUID");
	});

	it('404: a creator the agency does not manage', async () => {
		const result = await run({ fan: byId(ADA), options: { creatorUuid: UNKNOWN_CREATOR } });
		expect(result.error?.message).toBe('Fanvue: Creator not found');
		expect(result.error?.description).toContain('the creator must be one your agency manages');
	});
});

describe('Fanvue › Create Chat: bad input is refused before sending', () => {
	it.each([
		['an empty fan', { fan: byId('={{ "" }}') }, 'Fan is required [item 0]'],
		[
			'a fan that is not a UUID',
			{ fan: byId('={{ "fan-1" }}') },
			'Fan must be a UUID, but got "fan-1" [item 0]',
		],
		[
			'a fan of the wrong type',
			{ fan: byId('={{ ["a", "b"] }}') },
			'Fan must be text, but the value is a list [item 0]',
		],
		[
			'a creator that is not a UUID',
			{ fan: byId(ADA), options: { creatorUuid: 'agency' } },
			'As Creator (Agency) must be a UUID, but got "agency" [item 0]',
		],
		[
			'an API version that is not a date',
			{ fan: byId(ADA), options: { apiVersion: 'latest' } },
			'API Version must be a date like 2025-06-26, but got "latest" [item 0]',
		],
	])('%s', async (_case, parameters, message) => {
		const result = await run(parameters);
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it('names the item that is wrong and never sends it', async () => {
		const result = await run(
			{ fan: byId('={{ $json.fanId }}') },
			{ items: [{ json: { fanId: ADA } }, { json: { fanId: 'oops' } }] },
		);
		expect(result.error?.message).toBe('Fan must be a UUID, but got "oops" [item 1]');
		expect(fake.requests.map((r) => r.body)).toEqual([{ userUuid: ADA }]);
	});
});

describe('Fanvue › Create Chat: Continue On Fail with a mixed batch', () => {
	it('keeps going, in input order, with pairedItem and the reason on every failed item', async () => {
		const result = await run(
			{ fan: byId('={{ $json.fanId }}') },
			{
				continueOnFail: true,
				items: [ADA, 'bad', BLOCKED, UNKNOWN_FAN, GRACE].map((fanId) => ({ json: { fanId } })),
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(result.items[0].json).toMatchObject({ fanUuid: ADA, created: true });
		expect(result.items[1].json.error).toBe('Fan must be a UUID, but got "bad" [item 1]');
		expect(result.items[2].json).toMatchObject({
			error: 'Fanvue: User is not contactable',
			statusCode: 400,
		});
		expect(result.items[3].json).toMatchObject({
			error: 'Fanvue: User not found',
			statusCode: 404,
		});
		expect(result.items[4].json).toMatchObject({ fanUuid: GRACE, created: true });
		expect(fake.requestsTo('POST', '/chats')).toHaveLength(4);
		expect(fake.chats.sort()).toEqual([`self/${ADA}`, `self/${GRACE}`].sort());
		expectNoSecret(result);
	});
});

describe('Fanvue › token refresh with rotating single-use refresh tokens', () => {
	it('refreshes an expired token, saves the new pair, and the next run uses it', async () => {
		fake.tokens.expireAccessTokens();
		const first = await run({ fan: byId(ADA) });
		expect(first.error).toBeUndefined();
		expect(fake.tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
		const [refreshCall] = fake.requestsTo('POST', '/oauth2/token');
		expect(header(refreshCall, 'authorization')).toBe(
			`Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`,
		);
		expect(first.tokenUpdates).toHaveLength(1);
		const saved = first.tokenUpdates[0].oauthTokenData;
		expect(saved.refresh_token).not.toBe(grant.refresh_token);
		const [, retried] = fake.requestsTo('POST', '/chats');
		expect(header(retried, 'authorization')).toBe(`Bearer ${String(saved.access_token)}`);
		expectNoSecret(first, first.tokenUpdates);

		const second = await run({ fan: byId(GRACE) }, { credentialsHelper: first.credentialsHelper });
		expect(second.error).toBeUndefined();
		expect(second.tokenUpdates).toHaveLength(0);
		expect(fake.tokens.refreshLog).toHaveLength(1);
	});

	it('30 items in parallel, every token expired: exactly one refresh, no reuse, all created', async () => {
		fake.tokens.expireAccessTokens();
		const fans = Array.from({ length: 30 }, (_, i) => {
			const uuid = `f1000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
			fake.fans.push({ uuid, handle: `fan${i}`, displayName: `Fan ${i}`, contactable: true });
			return uuid;
		});
		try {
			const result = await run(
				{ fan: byId('={{ $json.fanId }}'), options: { parallelRequests: 25 } },
				{ items: fans.map((fanId) => ({ json: { fanId } })) },
			);
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(30);
			expect(result.items.every((i) => i.json.created === true)).toBe(true);
			expect(fake.tokens.refreshLog).toEqual([
				{ refreshToken: grant.refresh_token, outcome: 'ok' },
			]);
			expect(result.tokenUpdates).toHaveLength(1);
			expect(fake.chats).toHaveLength(30);
			expectNoSecret(result, result.tokenUpdates);
		} finally {
			fake.fans.splice(3);
		}
	});

	it('two executions at once on the same credential share one refresh', async () => {
		fake.tokens.expireAccessTokens();
		const helper = new TestCredentialsHelper(
			new Map([['chatProvidersFanvueOAuth2Api', new FanvueOAuth2Api()]]),
			new Map([['chatProvidersFanvueOAuth2Api', credentialData()]]),
		);
		const items = [ADA, GRACE].map((fanId) => ({ json: { fanId } }));
		const parameters = { fan: byId('={{ $json.fanId }}') };
		const [a, b] = await Promise.all([
			run(parameters, { items, credentialsHelper: helper }),
			run(parameters, { items, credentialsHelper: helper }),
		]);
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		expect(fake.tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
		expect(fake.chats).toHaveLength(4);
	});
});

describe('Fanvue › fan list search', () => {
	const search = (filter?: string, options: INodeParameters = {}) =>
		runListSearch({
			nodeType: new Fanvue(),
			method: 'searchFans',
			filter,
			parameters: { resource: 'chat', operation: 'create', options },
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: { chatProvidersFanvueOAuth2Api: credentialData() },
		});

	it("lists the connected account's chats as fans", async () => {
		const { results } = await search();
		expect(results).toEqual([
			{ name: 'Ada Lovelace (@ada)', value: ADA },
			{ name: 'Grace Hopper (@grace)', value: GRACE },
			{ name: 'Blocked Fan (@blocked)', value: BLOCKED },
		]);
		const [request] = fake.requestsTo('GET', '/chats');
		expect(request.query).toEqual({ page: '1', size: '50' });
		expect(header(request, 'x-fanvue-api-version')).toBe('2025-06-26');
		expect(header(request, 'authorization')).toBe(`Bearer ${grant.access_token}`);
	});

	it('lets Fanvue search as the user types', async () => {
		const { results } = await search('grace');
		expect(results.map((r) => r.value)).toEqual([GRACE]);
		expect(fake.requests[0].query.search).toBe('grace');
	});

	it("lists an agency creator's chats when As Creator is set", async () => {
		const { results } = await search('ada', { creatorUuid: fake.creatorUuid });
		expect(results.map((r) => r.value)).toEqual([ADA]);
		expect(fake.requestsTo('GET', `/creators/${fake.creatorUuid}/chats`)).toHaveLength(1);
	});

	it('refreshes an expired token once and still lists', async () => {
		fake.tokens.expireAccessTokens();
		const { results } = await search();
		expect(results).toHaveLength(3);
		expect(fake.tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
	});

	it('403: names read:chat', async () => {
		fake.grantedScopes.delete('read:chat');
		await expect(search()).rejects.toMatchObject({
			message: 'Fanvue: Insufficient scope',
			description: expect.stringContaining('read:chat'),
		});
	});
});

// Last: these leave the shared per-credential pacer waiting for Fanvue's reset.
describe('Fanvue › rate limits: 200 requests per 60 s, X-RateLimit-* headers, Retry-After', () => {
	// Only requests already in flight when Fanvue said "0 remaining" can meet a 429.
	it.each([
		[1, 0],
		[3, 2],
	])(
		'paces itself from the headers when the minute is nearly used up (%i in parallel: at most %i 429s)',
		async (parallelRequests, most429s) => {
			fake.drainRateLimit(5);
			const fans = Array.from({ length: 15 }, (_, i) => {
				const uuid = `f2000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
				fake.fans.push({ uuid, handle: `p${i}`, displayName: `P ${i}`, contactable: true });
				return uuid;
			});
			try {
				const started = Date.now();
				const result = await run(
					{ fan: byId('={{ $json.fanId }}'), options: { parallelRequests } },
					{ items: fans.map((fanId) => ({ json: { fanId } })) },
				);
				expect(result.error).toBeUndefined();
				expect(result.items.every((i) => i.json.created === true)).toBe(true);
				expect(fake.chats).toHaveLength(15);
				expect(fake.rateLimited.length).toBeLessThanOrEqual(most429s);
				// 10 requests beyond the 5 left, at Fanvue's 200 per minute: about 3 s.
				expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
			} finally {
				fake.fans.splice(3);
			}
		},
	);

	it('429: waits for Retry-After and retries (nothing was created by the 429)', async () => {
		fake.script('POST', '/chats', {
			status: 429,
			headers: { 'retry-after': '1', 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '0' },
			body: { error: 'Too many requests' },
		});
		const started = Date.now();
		const result = await run({ fan: byId(ADA) });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(fake.requestsTo('POST', '/chats')).toHaveLength(2);
		expect(fake.chats).toEqual([`self/${ADA}`]);
	});

	it('429 past Max Wait: fails with the time to try again', async () => {
		fake.script('POST', '/chats', {
			status: 429,
			headers: { 'retry-after': '120' },
			body: { error: 'Too many requests' },
		});
		const result = await run({ fan: byId(ADA), options: { maxWaitSeconds: 5 } });
		expect(result.error?.message).toMatch(/^Fanvue: Rate limit reached; try again after \d{4}-/);
		expect(result.error?.description).toContain('Fanvue said: "Too many requests"');
		expect(result.error?.description).toContain('Max Wait for Rate Limits (5 s)');
		expect(fake.requests).toHaveLength(1);
		expect(fake.chats).toEqual([]);
		expectNoSecret(result);
	});
});

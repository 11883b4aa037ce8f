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
import { header } from '../fakes/fake-server';
import { FanvueFake } from '../fakes/fanvue';
import { codexLinks, readmeAnchors, repositoryUrl } from './readme-links';

const fake = new FanvueFake();
const [ADA, GRACE, BLOCKED] = fake.fans.map((f) => f.uuid);
const UNKNOWN_FAN = 'f0000000-0000-4000-8000-00000000dead';
const UNKNOWN_CREATOR = 'c0c0c0c0-0000-4000-8000-00000000dead';
const LUNA = fake.creatorUuid;
const MILO = 'c0c0c0c0-0000-4000-8000-000000000002';
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
/** A creator picked from the Creator list, as n8n saves it. */
const picked = (uuid: string, name: string) => ({
	__rl: true,
	mode: 'list',
	value: uuid,
	cachedResultName: name,
});

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

	it('creates the chat as the agency creator picked in Creator (POST /creators/{uuid}/chats)', async () => {
		const result = await run({ creator: picked(LUNA, 'Luna Star (@luna)'), fan: byId(GRACE) });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('POST', `/creators/${LUNA}/chats`)).toHaveLength(1);
		expect(fake.requestsTo('POST', `/creators/${LUNA}/chats`)[0].body).toEqual({ userUuid: GRACE });
		expect(result.items[0].json).toEqual({
			fanUuid: GRACE,
			creatorUuid: LUNA,
			created: true,
			message: 'Chat created successfully',
		});
		expect(fake.chats).toEqual([`${LUNA}/${GRACE}`]);
	});

	it.each([
		['Me, from the list', { __rl: true, mode: 'list', value: 'me' }],
		['an empty value from an expression', byId('={{ "" }}')],
		['"me" from an expression', byId('={{ "ME" }}')],
	])('Creator %s: the connected account opens the chat (POST /chats)', async (_case, creator) => {
		const result = await run({ creator, fan: byId(ADA) });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('POST', '/chats')).toHaveLength(1);
		expect(result.items[0].json.creatorUuid).toBeNull();
	});

	it('takes the creator from each input item', async () => {
		const result = await run(
			{ creator: byId('={{ $json.creator }}'), fan: byId('={{ $json.fan }}') },
			{
				items: [
					{ json: { creator: LUNA, fan: GRACE } },
					{ json: { creator: '', fan: ADA } },
					{ json: { creator: ` ${MILO.toUpperCase()} `, fan: ADA } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(fake.chats.sort()).toEqual([`${LUNA}/${GRACE}`, `${MILO}/${ADA}`, `self/${ADA}`].sort());
	});

	it('a workflow saved with version 1 still opens the chat as its Options > As Creator', async () => {
		const result = await run(
			{ fan: byId(GRACE), options: { creatorUuid: LUNA } },
			{ typeVersion: 1 },
		);
		expect(result.error).toBeUndefined();
		expect(fake.chats).toEqual([`${LUNA}/${GRACE}`]);
		expect(result.items[0].json.creatorUuid).toBe(LUNA);
	});

	it('version 1: a Creator picked in the new field wins over the old option', async () => {
		const result = await run(
			{
				creator: picked(MILO, 'Milo Vega (@milo)'),
				fan: byId(ADA),
				options: { creatorUuid: LUNA },
			},
			{ typeVersion: 1 },
		);
		expect(result.error).toBeUndefined();
		expect(fake.chats).toEqual([`${MILO}/${ADA}`]);
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
		const result = await run({ creator: picked(LUNA, 'Luna Star'), fan: byId(ADA) });
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
		const result = await run({ creator: byId(UNKNOWN_CREATOR), fan: byId(ADA) });
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
			{ creator: byId('={{ "agency" }}'), fan: byId(ADA) },
			'Creator must be a UUID, but got "agency" [item 0]',
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

	it('version 1: an As Creator option that is not a UUID', async () => {
		const result = await run(
			{ fan: byId(ADA), options: { creatorUuid: 'agency' } },
			{ typeVersion: 1 },
		);
		expect(result.error?.message).toBe(
			'As Creator (Agency) must be a UUID, but got "agency" [item 0]',
		);
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

describe('Fanvue › Creator list search (agency accounts: GET /creators)', () => {
	const search = (filter?: string, paginationToken?: string) =>
		runListSearch({
			nodeType: new Fanvue(),
			method: 'searchCreators',
			filter,
			paginationToken,
			parameters: { resource: 'chat', operation: 'create', options: {} },
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: { chatProvidersFanvueOAuth2Api: credentialData() },
		});

	it("lists Me (the connected account) first, then the agency's creators", async () => {
		const result = await search();
		expect(result).toEqual({
			results: [
				{ name: 'Me (the connected account)', value: 'me' },
				{ name: 'Luna Star (@luna)', value: LUNA },
				{ name: 'Milo Vega (@milo)', value: MILO },
			],
		});
		const [request] = fake.requestsTo('GET', '/creators');
		expect(request.query).toEqual({ page: '1', size: '50' });
		expect(header(request, 'x-fanvue-api-version')).toBe('2025-06-26');
		expect(header(request, 'authorization')).toBe(`Bearer ${grant.access_token}`);
	});

	it("pages through Fanvue's pagination as the user scrolls", async () => {
		const added = fake.addCreators(60);
		const first = await search();
		expect(first.results).toHaveLength(1 + 50);
		expect(first.paginationToken).toBe('2');
		const second = await search(undefined, first.paginationToken as string);
		expect(second.results.map((r) => r.value)).toEqual(added.slice(48).map((c) => c.uuid));
		expect(second.paginationToken).toBeUndefined();
		expect(fake.requestsTo('GET', '/creators').map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('filters by name or handle, reading on to the next pages until something matches', async () => {
		const added = fake.addCreators(60);
		const last = added[added.length - 1];
		const { results, paginationToken } = await search(last.handle.toUpperCase());
		expect(results).toEqual([{ name: `${last.displayName} (@${last.handle})`, value: last.uuid }]);
		expect(paginationToken).toBeUndefined();
		// GET /creators documents no search parameter: the node filters what Fanvue lists.
		expect(fake.requestsTo('GET', '/creators').map((r) => r.query)).toEqual([
			{ page: '1', size: '50' },
			{ page: '2', size: '50' },
		]);
	});

	it('filters "Me" like any entry', async () => {
		expect((await search('milo')).results.map((r) => r.value)).toEqual([MILO]);
		expect((await search('me')).results.map((r) => r.value)).toEqual(['me']);
	});

	it('goes through the same request path as Create Chat: an expired token is refreshed once', async () => {
		fake.tokens.expireAccessTokens();
		const { results } = await search();
		expect(results).toHaveLength(3);
		expect(fake.tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
	});

	it('403: names read:creator', async () => {
		fake.grantedScopes.delete('read:creator');
		await expect(search()).rejects.toMatchObject({
			message: 'Fanvue: Insufficient scope',
			description: expect.stringContaining('(read:creator)'),
		});
	});
});

describe('Fanvue › fan list search', () => {
	const search = (
		filter?: string,
		options: INodeParameters = {},
		creator?: unknown,
		paginationToken?: string,
	) =>
		runListSearch({
			nodeType: new Fanvue(),
			method: 'searchFans',
			filter,
			paginationToken,
			parameters: {
				resource: 'chat',
				operation: 'create',
				options,
				...(creator === undefined ? {} : { creator: creator as INodeParameters }),
			},
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

	it("Creator on Me: the connected account's fans", async () => {
		const { results } = await search(undefined, {}, { __rl: true, mode: 'list', value: 'me' });
		expect(results.map((r) => r.value)).toEqual([ADA, GRACE, BLOCKED]);
		expect(fake.requestsTo('GET', '/chats')).toHaveLength(1);
	});

	it("follows the chosen Creator: that creator's own fans (GET /creators/{uuid}/chats)", async () => {
		const { results } = await search(undefined, {}, picked(LUNA, 'Luna Star (@luna)'));
		expect(results).toEqual([
			{ name: 'Grace Hopper (@grace)', value: GRACE },
			{ name: 'Zoe Park (@zoe)', value: fake.creatorFans.get(LUNA)![1].uuid },
			{ name: 'Adam Reyes (@adam)', value: fake.creatorFans.get(LUNA)![2].uuid },
		]);
		expect(fake.requestsTo('GET', '/chats')).toHaveLength(0);
		const [request] = fake.requestsTo('GET', `/creators/${LUNA}/chats`);
		expect(request.query).toEqual({ page: '1', size: '50' });
	});

	it("searches a creator's fans by name or handle (that route documents no search)", async () => {
		const { results } = await search('ZOE', {}, picked(LUNA, 'Luna Star'));
		expect(results.map((r) => r.name)).toEqual(['Zoe Park (@zoe)']);
		expect(fake.requests[0].query.search).toBeUndefined();
	});

	it("pages through a creator's fans", async () => {
		const many = Array.from({ length: 55 }, (_, i) => ({
			uuid: `f3000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
			handle: `luna_fan${i}`,
			displayName: `Luna Fan ${i}`,
			contactable: true,
		}));
		fake.creatorFans.get(LUNA)!.push(...many);
		const first = await search(undefined, {}, picked(LUNA, 'Luna Star'));
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toBe('2');
		const second = await search(
			undefined,
			{},
			picked(LUNA, 'Luna Star'),
			first.paginationToken as string,
		);
		expect(second.results).toHaveLength(8);
		expect(second.paginationToken).toBeUndefined();
	});

	it("a version 1 workflow's Options > As Creator still picks whose fans are listed", async () => {
		const { results } = await search('ada', { creatorUuid: LUNA });
		expect(results.map((r) => r.name)).toEqual(['Adam Reyes (@adam)']);
		expect(fake.requestsTo('GET', `/creators/${LUNA}/chats`)).toHaveLength(1);
	});

	it('a Creator given by an expression: says to pick one, instead of listing the wrong fans', async () => {
		await expect(search(undefined, {}, byId('={{ $json.creator }}'))).rejects.toMatchObject({
			message: 'The fan list needs a creator chosen from the list or by UUID',
		});
		expect(fake.requests).toHaveLength(0);
	});

	it('404: a creator the agency does not manage', async () => {
		await expect(search(undefined, {}, byId(UNKNOWN_CREATOR))).rejects.toMatchObject({
			message: 'Fanvue: Creator not found',
			description: expect.stringContaining('a creator your agency manages'),
		});
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

describe('Fanvue › for the AI Agent and for help links', () => {
	const description = new Fanvue().description;
	const field = (name: string) =>
		description.properties.find((p) => p.name === name) as
			| { description?: string; default?: unknown }
			| undefined;

	it('is usable as a tool, and says what each ID is and where it comes from', () => {
		expect(description.usableAsTool).toBe(true);
		expect(field('fan')?.description).toMatch(/fan's Fanvue user UUID.*GET \/chats.*not a handle/);
		expect(field('creator')?.description).toMatch(
			/creator's user UUID.*GET \/creators.*"me" or an empty value means the connected account/,
		);
	});

	it('Creator sits before Fan, defaults to Me, and the old option is only for version 1', () => {
		const names = description.properties.map((p) => p.name);
		expect(names.indexOf('creator')).toBeLessThan(names.indexOf('fan'));
		expect(field('creator')?.default).toMatchObject({ mode: 'list', value: 'me' });
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
		const legacy = description.properties
			.find((p) => p.name === 'options')
			?.options?.find((o) => 'name' in o && o.name === 'creatorUuid') as
			| { displayOptions?: unknown }
			| undefined;
		expect(legacy?.displayOptions).toEqual({ show: { '@version': [1] } });
	});

	it("links the credential and the node's docs to this package's Fanvue setup in the README", () => {
		const repository = repositoryUrl();
		expect(new FanvueOAuth2Api().documentationUrl).toBe(
			`${repository}#credential-fanvue-oauth2-api`,
		);
		expect(codexLinks('Fanvue')).toEqual({
			primary: [`${repository}#fanvue`],
			credential: [`${repository}#credential-fanvue-oauth2-api`],
		});
		const anchors = readmeAnchors();
		expect(anchors).toContain('fanvue');
		expect(anchors).toContain('credential-fanvue-oauth2-api');
	});
});

const MEDIA = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const TEMPLATE = '7e57a7e0-0000-4000-8000-000000000001';
const send = (parameters: Record<string, unknown>, extra: Parameters<typeof run>[1] = {}) =>
	run({ resource: 'message', operation: 'send', ...parameters }, extra);

describe('Fanvue › Create Chat: first message (POST /chats/{userUuid}/message once the chat exists)', () => {
	it('opens the chat, then sends the text, media and price', async () => {
		const result = await run({
			fan: byId(ADA),
			options: { firstMessage: 'Welcome!', firstMessageMediaUuids: MEDIA, firstMessagePrice: 500 },
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /chats',
			`POST /chats/${ADA}/message`,
		]);
		expect(fake.messages[0].body).toEqual({ text: 'Welcome!', mediaUuids: [MEDIA], price: 500 });
		expect(result.items[0].json).toMatchObject({
			created: true,
			firstMessage: { sent: true, messageUuid: fake.messages[0].messageUuid },
		});
	});

	it('as an agency creator: POST /creators/{uuid}/chats/{userUuid}/message', async () => {
		const result = await run({
			creator: picked(LUNA, 'Luna Star'),
			fan: byId(GRACE),
			options: { firstMessage: 'Hi from Luna' },
		});
		expect(result.error).toBeUndefined();
		expect(fake.messages.map((m) => m.chat)).toEqual([`${LUNA}/${GRACE}`]);
	});

	it('a refused first message does not fail the item: the chat is created and the output says why', async () => {
		fake.script('POST', `/chats/${ADA}/message`, {
			status: 400,
			body: { errors: ['text contains a forbidden word'] },
		});
		const result = await run({ fan: byId(ADA), options: { firstMessage: 'Hello' } });
		expect(result.error).toBeUndefined();
		expect(fake.chats).toEqual([`self/${ADA}`]);
		expect(result.items[0].json).toMatchObject({
			created: true,
			firstMessage: {
				sent: false,
				error: 'Fanvue: text contains a forbidden word',
				statusCode: 400,
			},
		});
		expect(
			String((result.items[0].json.firstMessage as { description: string }).description),
		).toContain('send the message with Message > Send instead');
		expectNoSecret(result);
	});

	it('a first message whose connection drops is not sent again', async () => {
		fake.script('POST', `/chats/${ADA}/message`, { status: 201, drop: true });
		const result = await run({ fan: byId(ADA), options: { firstMessage: 'Hello' } });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('POST', `/chats/${ADA}/message`)).toHaveLength(1);
		expect(result.items[0].json.firstMessage).toMatchObject({ sent: false });
		expect(
			String((result.items[0].json.firstMessage as { description: string }).description),
		).toContain('may have reached Fanvue');
	});

	it.each([
		[
			'a price under 300 cents',
			{ firstMessage: 'Hi', firstMessagePrice: 299 },
			'First Message Price (Cents) must be 0 (free) or at least 300 cents, but got "299" [item 0]',
		],
		[
			'a media UUID that is not a UUID',
			{ firstMessageMediaUuids: 'pic-1' },
			'First Message Media UUIDs must be a UUID, but got "pic-1" [item 0]',
		],
		[
			'text over 5,000 characters',
			{ firstMessage: 'x'.repeat(5001) },
			'First Message must be at most 5000 characters, but has 5001 [item 0]',
		],
	])('%s is refused before the chat is opened', async (_case, options, message) => {
		const result = await run({ fan: byId(ADA), options });
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Fanvue › Message › Send (POST /chats/{userUuid}/message, no idempotency key)', () => {
	it('sends text, media, price and template and returns the messageUuid', async () => {
		const result = await send({
			fan: byId(ADA),
			text: 'New set just for you',
			options: { mediaUuids: [MEDIA], price: 300, templateUuid: TEMPLATE },
		});
		expect(result.error).toBeUndefined();
		const [request] = fake.requestsTo('POST', `/chats/${ADA}/message`);
		expect(header(request, 'x-fanvue-api-version')).toBe('2025-06-26');
		expect(request.body).toEqual({
			text: 'New set just for you',
			mediaUuids: [MEDIA],
			price: 300,
			templateUuid: TEMPLATE,
		});
		expect(result.items[0].json).toEqual({
			fanUuid: ADA,
			creatorUuid: null,
			sent: true,
			messageUuid: fake.messages[0].messageUuid,
		});
		expectNoSecret(result);
	});

	it('as an agency creator (the Creator locator)', async () => {
		const result = await send({ creator: picked(LUNA, 'Luna'), fan: byId(GRACE), text: 'Hi' });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('POST', `/creators/${LUNA}/chats/${GRACE}/message`)).toHaveLength(1);
		expect(result.items[0].json.creatorUuid).toBe(LUNA);
	});

	it.each([
		['no text, media or template', { fan: byId(ADA), text: '' }, 'Text is required [item 0]'],
		[
			'text over 5,000 characters',
			{ fan: byId(ADA), text: 'x'.repeat(5001) },
			'Text must be at most 5000 characters, but has 5001 [item 0]',
		],
		[
			'a price under the minimum',
			{ fan: byId(ADA), text: 'Hi', options: { price: 2.99 } },
			'Price (Cents) must be 0 (free) or at least 300 cents, but got "2.99" [item 0]',
		],
		[
			'a template that is not a UUID',
			{ fan: byId(ADA), text: 'Hi', options: { templateUuid: 'welcome' } },
			'Template UUID must be a UUID, but got "welcome" [item 0]',
		],
		[
			'a fan that is not a UUID',
			{ fan: byId('={{ "ada" }}'), text: 'Hi' },
			'Fan must be a UUID, but got "ada" [item 0]',
		],
	])('%s: refused before sending', async (_case, parameters, message) => {
		const result = await send(parameters);
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it("Fanvue's validation errors and a missing chat, in Fanvue's words", async () => {
		fake.script('POST', `/chats/${ADA}/message`, {
			status: 400,
			body: { errors: ['price must not be less than 300'] },
		});
		const invalid = await send({ fan: byId(ADA), text: 'Hi' });
		expect(invalid.error?.message).toBe('Fanvue: price must not be less than 300');
		expect(invalid.error?.description).toContain('Check the fields named in the message');
		const missing = await send({ fan: byId(UNKNOWN_FAN), text: 'Hi' });
		expect(missing.error?.message).toBe('Fanvue: Chat not found');
		expect(missing.error?.description).toContain('Create Chat first');
	});

	it('403: names write:chat', async () => {
		fake.grantedScopes.delete('write:chat');
		const result = await send({ fan: byId(ADA), text: 'Hi' });
		expect(result.error?.description).toContain('lacks a scope this needs (write:chat).');
	});

	it('429 with Retry-After: waits and sends once (a 429 was not acted on)', async () => {
		fake.script('POST', `/chats/${ADA}/message`, {
			status: 429,
			headers: { 'retry-after': '1' },
			body: { error: 'Too many requests' },
		});
		const started = Date.now();
		const result = await send({ fan: byId(ADA), text: 'Hi' });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(fake.messages).toHaveLength(1);
	});

	it.each([
		['a dropped connection', { status: 201, drop: true }],
		['a 503 (a read would be retried)', { status: 503, body: { message: 'Service unavailable' } }],
	])('%s after the request reached Fanvue: never sent again', async (_case, answer) => {
		fake.script('POST', `/chats/${ADA}/message`, answer);
		const result = await send({ fan: byId(ADA), text: 'Hi' });
		expect(result.error).toBeDefined();
		expect(fake.requestsTo('POST', `/chats/${ADA}/message`)).toHaveLength(1);
		expectNoSecret(result);
	});

	it('Continue On Fail: one bad item among good ones, pairedItem kept', async () => {
		const result = await send(
			{ fan: byId('={{ $json.fan }}'), text: '={{ $json.text }}' },
			{
				continueOnFail: true,
				items: [
					{ json: { fan: ADA, text: 'one' } },
					{ json: { fan: 'nope', text: 'two' } },
					{ json: { fan: UNKNOWN_FAN, text: 'three' } },
					{ json: { fan: GRACE, text: 'four' } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(result.items[0].json.sent).toBe(true);
		expect(result.items[1].json.error).toBe('Fan must be a UUID, but got "nope" [item 1]');
		expect(result.items[2].json).toMatchObject({
			error: 'Fanvue: Chat not found',
			statusCode: 404,
		});
		expect(result.items[3].json.sent).toBe(true);
		expect(fake.messages.map((m) => m.body.text)).toEqual(['one', 'four']);
	});
});

describe('Fanvue › Chat › Get Many (GET /chats, GET /creators/{uuid}/chats)', () => {
	const getMany = (parameters: Record<string, unknown>) =>
		run({ operation: 'getMany', ...parameters });

	it('one item per chat, up to Limit', async () => {
		const result = await getMany({ limit: 2 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => (i.json.user as { uuid: string }).uuid)).toEqual([ADA, GRACE]);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it("Return All follows Fanvue's pages (hasMore)", async () => {
		const extra = Array.from({ length: 60 }, (_, i) => ({
			uuid: `f3000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
			handle: `g${i}`,
			displayName: `G ${i}`,
			contactable: true,
		}));
		fake.fans.push(...extra);
		try {
			const result = await getMany({ returnAll: true });
			expect(result.items).toHaveLength(63);
			expect(fake.requestsTo('GET', '/chats').map((r) => r.query.page)).toEqual(['1', '2']);
		} finally {
			fake.fans.splice(3);
		}
	});

	it('Search goes to Fanvue; Filter is sent as a repeated parameter', async () => {
		const found = await getMany({ returnAll: true, options: { search: 'grace' } });
		expect(found.items.map((i) => (i.json.user as { uuid: string }).uuid)).toEqual([GRACE]);
		expect(fake.requests[0].query.search).toBe('grace');
		const unread = await getMany({ returnAll: true, options: { filter: ['unread'] } });
		expect(unread.error).toBeUndefined();
		expect(fake.requests[1].query.filter).toBe('unread');
		expect(unread.items).toHaveLength(0);
	});

	it("an agency creator's chats, searched by the node", async () => {
		const result = await getMany({
			creator: picked(LUNA, 'Luna'),
			returnAll: true,
			options: { search: 'zoe' },
		});
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('GET', `/creators/${LUNA}/chats`)).toHaveLength(1);
		expect(result.items.map((i) => (i.json.user as { handle: string }).handle)).toEqual(['zoe']);
		expect(result.items[0].json.creatorUuid).toBe(LUNA);
	});

	it('bad input is refused before any request', async () => {
		const filter = await getMany({
			creator: picked(LUNA, 'Luna'),
			options: { filter: ['unread'] },
		});
		expect(filter.error?.message).toBe(
			"Filter works only for the connected account's chats [item 0]",
		);
		const search = await getMany({ options: { search: 'x'.repeat(101) } });
		expect(search.error?.message).toBe(
			'Search must be at most 100 characters, but has 101 [item 0]',
		);
		expect(fake.requests).toHaveLength(0);
	});

	it('403: names read:chat; 404: an unknown creator', async () => {
		fake.grantedScopes.delete('read:chat');
		const denied = await getMany({});
		expect(denied.error?.description).toContain('lacks a scope this needs (read:chat).');
		fake.reset();
		const unknown = await getMany({ creator: byId(UNKNOWN_CREATOR) });
		expect(unknown.error?.message).toBe('Fanvue: Creator not found');
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

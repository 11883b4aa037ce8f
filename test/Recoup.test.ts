import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RecoupApi } from '../credentials/RecoupApi.credentials';
import { Recoup } from '../nodes/Recoup/Recoup.node';
import { runListSearch, runNode, type RunNodeOptions } from './engine/run-node';
import { header } from './fakes/fake-server';
import { RecoupFake } from './fakes/recoup';
import { codexLinks, readmeAnchors, repositoryUrl } from './readme-links';

const fake = new RecoupFake();
const ARTIST = fake.artists[0].id;
const OTHER_ACCOUNT = '22222222-2222-4222-8222-222222222222';
const CHAT_ID = '0c0c0c0c-1111-4222-8333-444444444444';

beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

function run(
	parameters: Record<string, unknown>,
	extra: Partial<RunNodeOptions> & { items?: INodeExecutionData[] } = {},
) {
	return runNode({
		nodeType: new Recoup(),
		credentialTypes: [new RecoupApi()],
		credentials: { chatProvidersRecoupApi: { apiKey: fake.apiKey, baseUrl: `${fake.baseUrl}/` } },
		parameters: { resource: 'chat', operation: 'create', ...parameters },
		...extra,
	});
}

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

function expectNoSecret(value: unknown) {
	expect(JSON.stringify(value)).not.toContain(fake.apiKey);
}

describe('Recoup › Create Chat: request', () => {
	it('posts the artist, topic and a client-generated chat ID with only the x-api-key header', async () => {
		const result = await run({ artist: byId(ARTIST), topic: 'Pulse Feb 2' });
		expect(result.error).toBeUndefined();
		const [request] = fake.requestsTo('POST', '/api/chats');
		expect(header(request, 'x-api-key')).toBe(fake.apiKey);
		expect(header(request, 'authorization')).toBeUndefined();
		expect(request.body).toEqual({
			chatId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			artistId: ARTIST,
			topic: 'Pulse Feb 2',
		});
	});

	it("sends Account ID, First Message and a Chat ID of the user's choosing", async () => {
		await run({
			artist: byId(ARTIST),
			topic: '',
			options: { accountId: OTHER_ACCOUNT, chatId: CHAT_ID, firstMessage: 'Plan the tour' },
		});
		expect(fake.requests[0].body).toEqual({
			chatId: CHAT_ID,
			artistId: ARTIST,
			accountId: OTHER_ACCOUNT,
			firstMessage: 'Plan the tour',
		});
	});

	it('sends Topic and First Message exactly as typed, spaces and new lines included', async () => {
		const result = await run({
			topic: '  Pulse: Feb 2 ',
			options: { firstMessage: '\n  Plan the tour:\n  - dates\n  - venues\n\n' },
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({
			chatId: expect.any(String),
			topic: '  Pulse: Feb 2 ',
			firstMessage: '\n  Plan the tour:\n  - dates\n  - venues\n\n',
		});
	});

	it('treats a Topic or First Message of only spaces and new lines as empty', async () => {
		const result = await run({ topic: '   ', options: { firstMessage: ' \n\t ' } });
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({ chatId: expect.any(String) });
	});

	it('still trims the IDs', async () => {
		const result = await run(
			{
				artist: byId('={{ "  " + $json.artist + "\\n" }}'),
				options: { chatId: ` ${CHAT_ID.toUpperCase()} ` },
			},
			{ items: [{ json: { artist: ARTIST } }] },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({ chatId: CHAT_ID, artistId: ARTIST });
	});

	it('leaves the artist out when none is chosen', async () => {
		const result = await run({ topic: 'No artist' });
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({ chatId: expect.any(String), topic: 'No artist' });
	});

	it('resolves fields from each input item', async () => {
		const result = await run(
			{ artist: byId('={{ $json.artist }}'), topic: '={{ "Release " + $json.release }}' },
			{
				items: [
					{ json: { artist: ARTIST, release: 'A' } },
					{ json: { artist: fake.artists[1].id, release: 'B' } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => (r.body as { topic: string }).topic)).toEqual([
			'Release A',
			'Release B',
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Recoup › Create Chat: cost per item', () => {
	it('reads the credential once per node run: n8n-core signs every request with that copy', async () => {
		const items = Array.from({ length: 10 }, (_, i) => ({ json: { topic: `t${i}` } }));
		const result = await run({ topic: '={{ $json.topic }}' }, { items });
		expect(result.items).toHaveLength(10);
		expect(result.credentialsHelper.reads).toBe(1);
		for (const request of fake.requestsTo('POST', '/api/chats')) {
			expect(header(request, 'x-api-key')).toBe(fake.apiKey);
		}
	});
});

describe('Recoup › Create Chat: one output shape for both documented answers', () => {
	const KEYS = ['id', 'title', 'accountId', 'artistId', 'sessionId', 'updatedAt'];

	it("reads the seed's {status, chat: {...}} answer", async () => {
		const result = await run({
			artist: byId(ARTIST),
			topic: 'Pulse',
			options: { chatId: CHAT_ID },
		});
		expect(result.items[0].json).toEqual({
			id: CHAT_ID,
			title: 'Pulse',
			accountId: fake.accountId,
			artistId: ARTIST,
			sessionId: expect.any(String),
			updatedAt: expect.any(String),
		});
	});

	it("reads the live handler's snake_case row the same way", async () => {
		fake.responseShape = 'live';
		const result = await run({
			artist: byId(ARTIST),
			topic: 'Pulse',
			options: { chatId: CHAT_ID },
		});
		expect(result.items[0].json).toEqual({
			id: CHAT_ID,
			title: 'Pulse',
			accountId: fake.accountId,
			artistId: ARTIST,
			sessionId: null,
			updatedAt: expect.any(String),
		});
	});

	it('has the same keys, in the same order, for both answers: null where Recoup sent nothing', async () => {
		const documented = await run({ topic: 'Pulse' });
		fake.responseShape = 'live';
		const live = await run({ topic: 'Pulse' });
		expect(Object.keys(documented.items[0].json)).toEqual(KEYS);
		expect(Object.keys(live.items[0].json)).toEqual(KEYS);
		expect(live.items[0].json).toMatchObject({ artistId: null, sessionId: null });
	});
});

describe('Recoup › Create Chat: a chat is never created twice', () => {
	it('keeps the generated chat ID the same for the same execution, node and item', async () => {
		// Different input content, so the node's memory of the first run does not answer.
		const twoItems = (run: number) => [{ json: { run } }, { json: { run } }];
		await run({ topic: 'x' }, { executionId: 'exec-42', items: twoItems(1) });
		await run({ topic: 'x' }, { executionId: 'exec-42', items: twoItems(2) });
		await run({ topic: 'x' }, { executionId: 'exec-43', items: [{ json: {} }] });
		const ids = fake.requests.map((r) => (r.body as { chatId: string }).chatId);
		expect(ids[0]).toBe(ids[2]);
		expect(ids[1]).toBe(ids[3]);
		expect(ids[0]).not.toBe(ids[1]);
		expect(ids[4]).not.toBe(ids[0]);
		expect(fake.chats.size).toBe(3);
	});

	it('answers a re-run of the node in one execution from the first run, sending nothing', async () => {
		const first = await run({ topic: 'x' }, { executionId: 'exec-44' });
		const second = await run({ topic: 'x' }, { executionId: 'exec-44' });
		expect(fake.requests).toHaveLength(1);
		expect(second.items[0].json).toEqual(first.items[0].json);
	});

	it('retries a 500 with the same chat ID: one chat exists afterwards', async () => {
		fake.script('POST', '/api/chats', {
			status: 500,
			body: { status: 'error', message: 'Failed to create chat' },
		});
		const result = await run({ topic: 'retry me' });
		expect(result.error).toBeUndefined();
		const attempts = fake.requestsTo('POST', '/api/chats');
		expect(attempts).toHaveLength(2);
		expect(attempts[0].rawBody).toBe(attempts[1].rawBody);
		expect(fake.chats.size).toBe(1);
	});

	it("gives up after a bounded number of 500s with Recoup's message", async () => {
		const failure = { status: 500, body: { status: 'error', message: 'Failed to create chat' } };
		fake.script('POST', '/api/chats', failure, failure, failure, failure, failure);
		const result = await run({ topic: 'down' });
		expect(fake.requestsTo('POST', '/api/chats')).toHaveLength(4);
		expect(result.error?.message).toBe('Recoup: Failed to create chat');
		expect(result.error?.description).toContain('no duplicate chat was created');
	});

	it("n8n's Retry On Fail re-runs the node without duplicating the items that succeeded", async () => {
		fake.failCreates('two', 4);
		const result = await run(
			{ topic: '={{ $json.topic }}', options: { parallelRequests: 1 } },
			{
				items: [
					{ json: { topic: 'one' } },
					{ json: { topic: 'two' } },
					{ json: { topic: 'three' } },
				],
				retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(fake.chats.size).toBe(3);
		expect([...fake.chats.values()].map((c) => c.topic).sort()).toEqual(['one', 'three', 'two']);
		// Run 1: one, then two four times (500s). Run 2: one answered from run 1; two; three.
		const topics = fake.requests.map((r) => (r.body as { topic: string }).topic);
		expect(topics).toEqual(['one', 'two', 'two', 'two', 'two', 'two', 'three']);
	});
});

describe('Recoup › Create Chat: errors', () => {
	it("400: shows Recoup's error and missing_fields", async () => {
		fake.script('POST', '/api/chats', {
			status: 400,
			body: { status: 'error', missing_fields: ['topic'], error: 'topic must be a string' },
		});
		const result = await run({ topic: 'x' });
		expect(result.error?.message).toBe(
			'Recoup: topic must be a string (missing or invalid: topic)',
		);
		expect(result.error?.description).toContain('HTTP 400');
	});

	it('401: says the key was not accepted and never shows it', async () => {
		const result = await runNode({
			nodeType: new Recoup(),
			credentialTypes: [new RecoupApi()],
			credentials: {
				chatProvidersRecoupApi: { apiKey: 'recoup_sk_wrong_key_123', baseUrl: fake.baseUrl },
			},
			parameters: { resource: 'chat', operation: 'create', topic: 'x' },
		});
		expect(result.error?.message).toBe('Recoup: Unauthorized');
		expect(result.error?.description).toContain('did not accept the API key');
		expect(JSON.stringify(result.error)).not.toContain('recoup_sk_wrong_key_123');
		expect(fake.requests).toHaveLength(1);
	});

	it('403: says the key cannot reach that account', async () => {
		const result = await run({
			topic: 'x',
			options: { accountId: '33333333-3333-4333-8333-333333333333' },
		});
		expect(result.error?.message).toBe('Recoup: Access denied to specified account_id');
		expect(result.error?.description).toContain('cannot reach this account');
		expect(fake.requests).toHaveLength(1);
	});

	it('429: waits for Retry-After and then succeeds', async () => {
		fake.script('POST', '/api/chats', {
			status: 429,
			headers: { 'retry-after': '1' },
			body: { status: 'error', message: 'Too many requests' },
		});
		const started = Date.now();
		const result = await run({ topic: 'x' });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(fake.chats.size).toBe(1);
	});

	it('429 past the maximum wait: fails with the time to try again', async () => {
		fake.script('POST', '/api/chats', {
			status: 429,
			headers: { 'retry-after': '120' },
			body: { status: 'error', message: 'Too many requests' },
		});
		const result = await run({ topic: 'x', options: { maxWaitSeconds: 5 } });
		expect(result.error?.message).toMatch(/^Recoup: Rate limit reached; try again after \d{4}-/);
		expect(result.error?.description).toContain('Too many requests');
		expect(fake.requests).toHaveLength(1);
	});

	it('an unreachable base URL names the provider and the cause', async () => {
		const result = await runNode({
			nodeType: new Recoup(),
			credentialTypes: [new RecoupApi()],
			credentials: {
				chatProvidersRecoupApi: { apiKey: fake.apiKey, baseUrl: 'http://127.0.0.1:9' },
			},
			parameters: { resource: 'chat', operation: 'create', topic: 'x' },
		});
		expect(result.error?.message).toContain('Could not reach Recoup');
		expectNoSecret(result.error);
	});
});

describe('Recoup › Create Chat: bad input is refused before sending', () => {
	it.each([
		// A fixed value is already flagged in the editor by the field's own check; expressions are checked here.
		[
			'Artist',
			{ artist: byId('={{ "not-a-uuid" }}') },
			'Artist must be a UUID, but got "not-a-uuid" [item 0]',
		],
		[
			'Account ID',
			{ options: { accountId: '1234' } },
			'Account ID must be a UUID, but got "1234" [item 0]',
		],
		[
			'Chat ID',
			{ options: { chatId: 'chat-1' } },
			'Chat ID must be a UUID, but got "chat-1" [item 0]',
		],
		[
			'Topic',
			{ topic: '={{ { a: 1 } }}' },
			'Topic must be text, but the value is an object [item 0]',
		],
	])('%s', async (_field, parameters, message) => {
		const result = await run(parameters);
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it('names the item that is wrong', async () => {
		const result = await run(
			{ artist: byId('={{ $json.artist }}') },
			{ items: [{ json: { artist: ARTIST } }, { json: { artist: 'oops' } }] },
		);
		expect(result.error?.message).toBe('Artist must be a UUID, but got "oops" [item 1]');
	});
});

describe('Recoup › Create Chat: Continue On Fail', () => {
	it('keeps going past a bad item and a refused item, with pairedItem on every output', async () => {
		const result = await run(
			{
				artist: byId('={{ $json.artist }}'),
				topic: 't',
				options: { accountId: '={{ $json.account }}' },
			},
			{
				continueOnFail: true,
				items: [
					{ json: { artist: ARTIST, account: '' } },
					{ json: { artist: 'bad', account: '' } },
					{ json: { artist: ARTIST, account: '33333333-3333-4333-8333-333333333333' } },
					{ json: { artist: ARTIST, account: OTHER_ACCOUNT } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(result.items[0].json.id).toEqual(expect.any(String));
		expect(result.items[1].json.error).toBe('Artist must be a UUID, but got "bad" [item 1]');
		expect(result.items[2].json).toMatchObject({
			error: 'Recoup: Access denied to specified account_id',
			statusCode: 403,
		});
		expect(result.items[3].json.accountId).toBe(OTHER_ACCOUNT);
		expect(fake.chats.size).toBe(2);
		expectNoSecret(result.items);
	});
});

describe('Recoup › Artist list search', () => {
	const search = (filter?: string, options: INodeParameters = {}) =>
		runListSearch({
			nodeType: new Recoup(),
			method: 'searchArtists',
			filter,
			parameters: { resource: 'chat', operation: 'create', options },
			credentialTypes: [new RecoupApi()],
			credentials: { chatProvidersRecoupApi: { apiKey: fake.apiKey, baseUrl: fake.baseUrl } },
		});

	it("lists the key's artists by name", async () => {
		const { results } = await search();
		expect(results).toEqual([
			{ name: 'Nova Lane', value: fake.artists[0].id },
			{ name: 'The Quiet Hours', value: fake.artists[1].id },
		]);
		expect(header(fake.requests[0], 'x-api-key')).toBe(fake.apiKey);
	});

	it('filters as the user types', async () => {
		const { results } = await search('quiet');
		expect(results.map((r) => r.name)).toEqual(['The Quiet Hours']);
	});

	it('goes through the same request path as Create Chat: a 429 is waited out and retried', async () => {
		fake.script('GET', '/api/artists', {
			status: 429,
			headers: { 'retry-after': '1' },
			body: { status: 'error', message: 'Too many requests' },
		});
		const { results } = await search();
		expect(results).toHaveLength(2);
		expect(fake.requestsTo('GET', '/api/artists')).toHaveLength(2);
	});

	it("a refused key reads as Create Chat's does, without the key", async () => {
		const failure = runListSearch({
			nodeType: new Recoup(),
			method: 'searchArtists',
			parameters: { resource: 'chat', operation: 'create' },
			credentialTypes: [new RecoupApi()],
			credentials: {
				chatProvidersRecoupApi: { apiKey: 'recoup_sk_wrong_key_123', baseUrl: fake.baseUrl },
			},
		});
		const error: unknown = await failure.catch((caught: unknown) => caught);
		expect(error).toMatchObject({
			message: 'Recoup: Unauthorized',
			description: expect.stringContaining('did not accept the API key'),
		});
		expect(JSON.stringify(error)).not.toContain('recoup_sk_wrong_key_123');
	});

	it("lists another account's artists when Account ID is set", async () => {
		const { results } = await search(undefined, { accountId: OTHER_ACCOUNT });
		expect(results.map((r) => r.name)).toEqual(['Bassline Ada']);
		expect(fake.requests[0].query).toEqual({ account_id: OTHER_ACCOUNT });
	});
});

describe('Recoup › for the AI Agent and for help links', () => {
	const description = new Recoup().description;
	const field = (name: string) =>
		[
			...description.properties,
			...(description.properties.find((p) => p.name === 'options')?.options ?? []),
		].find((p) => 'name' in p && p.name === name) as { description?: string } | undefined;

	it('is usable as a tool, and says what each ID is and where it comes from', () => {
		expect(description.usableAsTool).toBe(true);
		expect(field('artist')?.description).toMatch(
			/artist's UUID.*GET \/api\/artists.*not by the artist's name/,
		);
		expect(field('accountId')?.description).toContain('UUID of another Recoup account');
		expect(field('chatId')?.description).toContain('UUID');
	});

	it("links the credential and the node's docs to this package's Recoup setup in the README", () => {
		const repository = repositoryUrl();
		const codex = codexLinks('Recoup');
		expect(new RecoupApi().documentationUrl).toBe(`${repository}#credential-recoup-api`);
		expect(codex).toEqual({
			primary: [`${repository}#recoup`],
			credential: [`${repository}#credential-recoup-api`],
		});
		const anchors = readmeAnchors();
		expect(anchors).toContain('recoup');
		expect(anchors).toContain('credential-recoup-api');
	});
});

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RecoupApi } from '../credentials/RecoupApi.credentials';
import { Recoup } from '../nodes/Recoup/Recoup.node';
import { runListSearch, runNode, type RunNodeOptions } from './engine/run-node';
import { header } from '../fakes/fake-server';
import { RecoupFake } from '../fakes/recoup';
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

	it('with Retry On Fail on, answers a re-run of the node in one execution from the first run, sending nothing', async () => {
		const retryOnFail = { maxTries: 2, waitBetweenTries: 0 };
		const first = await run({ topic: 'x' }, { executionId: 'exec-44', retryOnFail });
		const second = await run({ topic: 'x' }, { executionId: 'exec-44', retryOnFail });
		expect(fake.requests).toHaveLength(1);
		expect(second.items[0].json).toEqual(first.items[0].json);
	});

	it('with Retry On Fail off, keeps no output: the same run again sends the same chat ID, one chat exists', async () => {
		await run({ topic: 'x' }, { executionId: 'exec-45' });
		await run({ topic: 'x' }, { executionId: 'exec-45' });
		const sent = fake.requestsTo('POST', '/api/chats');
		expect(sent).toHaveLength(2);
		expect(sent[0].rawBody).toBe(sent[1].rawBody);
		expect(fake.chats.size).toBe(1);
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

	it('tells a model where the Chat ID of Get Messages, Update Topic and Delete comes from', () => {
		const chatIds = description.properties.filter(
			(p) => p.name === 'chatId' && p.displayOptions?.show?.operation?.[0] !== 'create',
		);
		expect(chatIds.map((p) => p.displayOptions?.show?.operation)).toEqual([
			['delete'],
			['getMessages'],
			['updateTopic'],
		]);
		for (const p of chatIds) {
			expect(p.description).toMatch(/UUID.*output of Create or Get Many/);
		}
		const operations = description.properties.find((p) => p.name === 'operation');
		expect(operations?.options?.map((o) => ('action' in o ? o.action : ''))).toEqual([
			'Create a chat',
			'Delete a chat',
			'Get many chats',
			'Get messages of a chat',
			'Update the topic of a chat',
		]);
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

// ---- Conversations that go on (issue 18): list, read, rename and delete chats ----

const OWN_CHAT = '0c0c0c0c-aaaa-4aaa-8aaa-000000000001';
const OTHER_CHAT = '0c0c0c0c-aaaa-4aaa-8aaa-000000000002';
const QUIET_CHAT = '0c0c0c0c-aaaa-4aaa-8aaa-000000000003';
const FOREIGN_CHAT = '0c0c0c0c-aaaa-4aaa-8aaa-000000000009';
const MISSING_CHAT = '0c0c0c0c-aaaa-4aaa-8aaa-0000000000ff';

function seedChats() {
	fake.addChat(
		{ id: OWN_CHAT, artist_id: ARTIST, topic: 'Tour plan', updated_at: '2026-01-02T00:00:00Z' },
		['Plan the spring tour', 'Here is a plan: …', 'Add Berlin'],
	);
	fake.addChat({ id: OTHER_CHAT, topic: 'Press kit', updated_at: '2026-01-03T00:00:00Z' }, [
		'Draft a press kit',
	]);
	// No message yet: Recoup leaves it out of its list.
	fake.addChat({ id: QUIET_CHAT, topic: 'Empty', updated_at: '2026-01-04T00:00:00Z' });
	fake.addChat({ id: FOREIGN_CHAT, account_id: OTHER_ACCOUNT, topic: 'Label chat' }, ['Hi']);
}

describe('Recoup › Chat Get Many', () => {
	beforeEach(seedChats);
	const getMany = (parameters: Record<string, unknown> = {}, extra = {}) =>
		run({ operation: 'getAll', returnAll: true, ...parameters }, extra);

	it("lists the key's chats, newest first, one item per chat in Create's output shape", async () => {
		const result = await getMany();
		expect(result.error).toBeUndefined();
		const [request] = fake.requestsTo('GET', '/api/chats');
		expect(request.query).toEqual({});
		expect(result.items.map((i) => i.json.id)).toEqual([OTHER_CHAT, OWN_CHAT]);
		expect(result.items[1].json).toEqual({
			id: OWN_CHAT,
			title: 'Tour plan',
			accountId: fake.accountId,
			artistId: ARTIST,
			sessionId: null,
			updatedAt: '2026-01-02T00:00:00Z',
		});
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it("reads the live handler's camelCase rows (title, sessionId) into the same keys", async () => {
		fake.responseShape = 'live';
		const result = await getMany();
		expect(Object.keys(result.items[0].json)).toEqual([
			'id',
			'title',
			'accountId',
			'artistId',
			'sessionId',
			'updatedAt',
		]);
		expect(result.items[0].json).toMatchObject({
			title: 'Press kit',
			sessionId: expect.any(String),
		});
	});

	it('filters by artist (artist_account_id), as Create takes the artist', async () => {
		const result = await getMany({ artist: byId(ARTIST) });
		expect(fake.requests[0].query).toEqual({ artist_account_id: ARTIST });
		expect(result.items.map((i) => i.json.id)).toEqual([OWN_CHAT]);
	});

	it("lists another account's chats with Account ID (account_id)", async () => {
		const result = await getMany({ options: { accountId: OTHER_ACCOUNT } });
		expect(fake.requests[0].query).toEqual({ account_id: OTHER_ACCOUNT });
		expect(result.items.map((i) => i.json.id)).toEqual([FOREIGN_CHAT]);
	});

	it('keeps the first Limit chats when Return All is off (default Limit 50)', async () => {
		const limitedRun = await run({ operation: 'getAll', limit: 1 });
		expect(limitedRun.items.map((i) => i.json.id)).toEqual([OTHER_CHAT]);
		const byDefault = await run({ operation: 'getAll' });
		expect(byDefault.items).toHaveLength(2);
		expect(fake.requestsTo('GET', '/api/chats')).toHaveLength(2);
	});

	it('gives no item when Recoup lists no chat', async () => {
		fake.chats.clear();
		const result = await getMany();
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	it('refuses a bad artist or account before sending', async () => {
		const result = await getMany({ options: { accountId: 'acme' } });
		expect(result.error?.message).toBe('Account ID must be a UUID, but got "acme" [item 0]');
		expect(fake.requests).toHaveLength(0);
	});

	it("403: an account the key cannot reach, in Recoup's words", async () => {
		const result = await getMany({
			options: { accountId: '33333333-3333-4333-8333-333333333333' },
		});
		expect(result.error?.message).toBe('Recoup: Access denied to specified account_id');
		expect(result.error?.description).toContain('cannot reach this account');
	});

	it('429: waits for Retry-After, then lists', async () => {
		fake.script('GET', '/api/chats', {
			status: 429,
			headers: { 'retry-after': '1' },
			body: { status: 'error', message: 'Too many requests' },
		});
		const started = Date.now();
		const result = await getMany();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(result.items).toHaveLength(2);
	});

	it('a read is retried after a dropped connection', async () => {
		fake.script('GET', '/api/chats', { status: 200, drop: true });
		const result = await getMany();
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('GET', '/api/chats')).toHaveLength(2);
	});
});

describe('Recoup › Chat Get Messages', () => {
	beforeEach(seedChats);
	const getMessages = (chatId: unknown, parameters: Record<string, unknown> = {}, extra = {}) =>
		run({ operation: 'getMessages', chatId, returnAll: true, ...parameters }, extra);

	it('gives one item per message, oldest first, with role and text', async () => {
		const result = await getMessages(OWN_CHAT);
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].path).toBe(`/api/chats/${OWN_CHAT}/messages`);
		expect(result.items.map((i) => [i.json.role, i.json.text])).toEqual([
			['user', 'Plan the spring tour'],
			['assistant', 'Here is a plan: …'],
			['user', 'Add Berlin'],
		]);
		expect(result.items[0].json).toEqual({
			id: expect.any(String),
			chatId: OWN_CHAT,
			role: 'user',
			text: 'Plan the spring tour',
			updatedAt: '2026-01-01T00:00:00.000Z',
			content: {
				role: 'user',
				parts: [{ type: 'text', text: 'Plan the spring tour' }],
				content: 'Plan the spring tour',
			},
		});
	});

	it('reads the text from the parts when a message has no content string', async () => {
		fake.script('GET', `/api/chats/${OWN_CHAT}/messages`, {
			status: 200,
			body: {
				data: [
					{
						id: 'm1',
						room_id: OWN_CHAT,
						content: {
							role: 'assistant',
							parts: [
								{ type: 'text', text: 'One' },
								{ type: 'tool-call', toolName: 'x' },
								{ type: 'text', text: 'Two' },
							],
						},
						updated_at: '2026-01-01T00:00:00Z',
					},
				],
			},
		});
		const result = await getMessages(OWN_CHAT);
		expect(result.items[0].json.text).toBe('One\nTwo');
	});

	it('keeps the first Limit messages when Return All is off', async () => {
		const result = await getMessages(OWN_CHAT, { returnAll: false, limit: 2 });
		expect(result.items.map((i) => i.json.text)).toEqual([
			'Plan the spring tour',
			'Here is a plan: …',
		]);
	});

	it('refuses a missing or malformed Chat ID before sending', async () => {
		// An empty fixed value is flagged by n8n itself; an expression that gives nothing is checked here.
		expect((await getMessages('={{ "" }}')).error?.message).toMatch(
			/^Chat ID is required.*\[item 0\]$/,
		);
		expect((await getMessages('chat-1')).error?.message).toBe(
			'Chat ID must be a UUID, but got "chat-1" [item 0]',
		);
		expect(fake.requests).toHaveLength(0);
	});

	it('404: says there is no such chat, and where a chat ID comes from', async () => {
		const result = await getMessages(MISSING_CHAT);
		expect(result.error?.message).toBe('Recoup: Chat room not found');
		expect(result.error?.description).toContain("Create's or Get Many's output");
		expect(result.error?.description).not.toContain('Base URL');
	});

	it("403: a chat of another account, in Recoup's words", async () => {
		const result = await getMessages(FOREIGN_CHAT);
		expect(result.error?.message).toBe('Recoup: Access denied to this chat');
		expect(result.error?.description).toContain("Only the chat's owner");
	});

	it('Continue On Fail: a bad ID and an unknown chat among good ones, pairedItem kept', async () => {
		const result = await run(
			{ operation: 'getMessages', chatId: '={{ $json.chat }}', returnAll: true },
			{
				continueOnFail: true,
				items: [
					{ json: { chat: OTHER_CHAT } },
					{ json: { chat: 'x' } },
					{ json: { chat: MISSING_CHAT } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.text).toBe('Draft a press kit');
		expect(result.items[1].json.error).toBe('Chat ID must be a UUID, but got "x" [item 1]');
		expect(result.items[2].json).toMatchObject({
			error: 'Recoup: Chat room not found',
			statusCode: 404,
		});
		expectNoSecret(result.items);
	});
});

describe('Recoup › Chat Update Topic', () => {
	beforeEach(seedChats);
	const update = (topic: unknown, extra = {}, chatId: unknown = OWN_CHAT) =>
		run({ operation: 'updateTopic', chatId, topic }, extra);

	it('patches {chatId, topic} and answers the renamed chat', async () => {
		const result = await update('Spring tour');
		expect(result.error).toBeUndefined();
		const [request] = fake.requestsTo('PATCH', '/api/chats');
		expect(request.body).toEqual({ chatId: OWN_CHAT, topic: 'Spring tour' });
		expect(result.items[0].json).toMatchObject({
			id: OWN_CHAT,
			title: 'Spring tour',
			artistId: ARTIST,
		});
		expect(fake.chats.get(OWN_CHAT)?.topic).toBe('Spring tour');
	});

	it.each([
		['={{ "" }}', 0],
		['={{ "  " }}', 0],
		['ab', 2],
		['x'.repeat(51), 51],
	])(
		'refuses the topic %p (%i characters, spaces only count as none) before sending',
		async (topic, length) => {
			const result = await update(topic);
			expect(result.error?.message).toBe(
				`Topic must be 3 to 50 characters long, but has ${length} [item 0]`,
			);
			expect(fake.requests).toHaveLength(0);
		},
	);

	it('accepts exactly 3 and exactly 50 characters, sent as typed', async () => {
		expect((await update('abc')).error).toBeUndefined();
		expect((await update(` ${'y'.repeat(48)} `)).error).toBeUndefined();
		expect(fake.requests.map((r) => (r.body as { topic: string }).topic)).toEqual([
			'abc',
			` ${'y'.repeat(48)} `,
		]);
	});

	it('is retried after a 500 or a dropped connection: the same topic again changes nothing more', async () => {
		fake.script(
			'PATCH',
			'/api/chats',
			{ status: 500, body: { status: 'error', error: 'Failed to update chat' } },
			{ status: 200, drop: true },
		);
		const result = await update('Spring tour');
		expect(result.error).toBeUndefined();
		const attempts = fake.requestsTo('PATCH', '/api/chats');
		expect(attempts).toHaveLength(3);
		expect(new Set(attempts.map((a) => a.rawBody)).size).toBe(1);
		expect(result.items[0].json.title).toBe('Spring tour');
	});

	it("400: Recoup's own length check, should one get through, reads in its words", async () => {
		fake.script('PATCH', '/api/chats', {
			status: 400,
			body: {
				status: 'error',
				missing_fields: ['topic'],
				error: 'topic must be between 3 and 50 characters',
			},
		});
		const result = await update('Fine');
		expect(result.error?.message).toBe(
			'Recoup: topic must be between 3 and 50 characters (missing or invalid: topic)',
		);
	});

	it('404 and 403 name the chat problem', async () => {
		expect((await update('Fine', {}, MISSING_CHAT)).error?.message).toBe(
			'Recoup: Chat room not found',
		);
		expect((await update('Fine', {}, FOREIGN_CHAT)).error?.message).toBe(
			'Recoup: Access denied to this chat',
		);
	});

	it('429: waits for Retry-After', async () => {
		fake.script('PATCH', '/api/chats', {
			status: 429,
			headers: { 'retry-after': '1' },
			body: { status: 'error', message: 'Too many requests' },
		});
		const started = Date.now();
		const result = await update('Spring tour');
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});
});

describe('Recoup › Chat Delete', () => {
	beforeEach(seedChats);
	const remove = (chatId: unknown, extra = {}) => run({ operation: 'delete', chatId }, extra);

	it('sends DELETE /api/chats with the ID in a JSON body, and the chat is gone', async () => {
		const result = await remove(OWN_CHAT);
		expect(result.error).toBeUndefined();
		const [request] = fake.requestsTo('DELETE', '/api/chats');
		expect(request.body).toEqual({ id: OWN_CHAT });
		expect(header(request, 'content-type')).toContain('application/json');
		expect(header(request, 'x-api-key')).toBe(fake.apiKey);
		expect(result.items[0].json).toEqual({
			id: OWN_CHAT,
			deleted: true,
			alreadyDeleted: false,
			message: 'Chat deleted successfully',
		});
		expect(fake.chats.has(OWN_CHAT)).toBe(false);
	});

	it('a retry after a dropped answer finds the chat gone (404): the item says deleted, not failed', async () => {
		// Recoup deletes the chat, but the answer never arrives; the node sends the delete again.
		fake.script('DELETE', '/api/chats', {
			status: 200,
			drop: true,
			body: undefined,
		});
		fake.chats.delete(OWN_CHAT);
		const result = await remove(OWN_CHAT);
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('DELETE', '/api/chats')).toHaveLength(2);
		expect(result.items[0].json).toMatchObject({
			id: OWN_CHAT,
			deleted: true,
			alreadyDeleted: true,
		});
	});

	it('deleting an already deleted chat again answers alreadyDeleted, one request', async () => {
		await remove(OWN_CHAT);
		fake.reset();
		const again = await remove(OWN_CHAT);
		expect(again.error).toBeUndefined();
		expect(fake.requests).toHaveLength(1);
		expect(again.items[0].json).toMatchObject({ deleted: true, alreadyDeleted: true });
	});

	it("403 stays an error: another account's chat is not deleted", async () => {
		const result = await remove(FOREIGN_CHAT);
		expect(result.error?.message).toBe('Recoup: Access denied to this chat');
		expect(fake.chats.has(FOREIGN_CHAT)).toBe(true);
	});

	it('a 404 that is not Recoup\'s "Chat room not found" (a wrong Base URL) stays an error', async () => {
		fake.script('DELETE', '/api/chats', { status: 404, body: { status: 404, error: 'Not Found' } });
		const result = await remove(OWN_CHAT);
		expect(result.error?.message).toBe('Recoup: Not Found');
	});

	it('refuses a malformed Chat ID before sending', async () => {
		const result = await remove('{{oops}}');
		expect(result.error?.message).toBe('Chat ID must be a UUID, but got "{{oops}}" [item 0]');
		expect(fake.requests).toHaveLength(0);
	});

	it('Continue On Fail: deletes the good items past a refused one', async () => {
		const result = await run(
			{ operation: 'delete', chatId: '={{ $json.chat }}' },
			{
				continueOnFail: true,
				items: [
					{ json: { chat: OWN_CHAT } },
					{ json: { chat: FOREIGN_CHAT } },
					{ json: { chat: OTHER_CHAT } },
				],
			},
		);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[1].json).toMatchObject({ statusCode: 403 });
		expect(fake.chats.has(OWN_CHAT) || fake.chats.has(OTHER_CHAT)).toBe(false);
	});
});

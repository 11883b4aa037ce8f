import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';

import { defineProvider } from '../../nodes/shared';
import { FakeServer } from '../../fakes/fake-server';
import { runNode } from '../engine/run-node';
import { testApiKeyCredential } from './test-node';

const KEY = 'door-secret-key-42';
let connects = 0;

/** A provider as a newcomer would declare it: one definition, two operations, one resource. */
const notes = defineProvider({
	name: 'Notes',
	credentialType: 'testApiKey',
	connect: (credentials, problem) => {
		connects++;
		const baseUrl = String(credentials.baseUrl ?? '');
		if (!baseUrl.startsWith('http')) throw problem('The Base URL must start with http');
		return { baseUrl: `${baseUrl}///`, secrets: [String(credentials.apiKey)] };
	},
	readFailure: (answer) => ({
		statusCode: answer.statusCode,
		message: String((answer.body as IDataObject)?.error ?? 'failed'),
		hint: 'Check the note.',
	}),
});

const add = notes.operation({
	value: 'add',
	name: 'Add',
	description: 'Add a note',
	action: 'Add a note',
	properties: [{ displayName: 'Text', name: 'text', type: 'string', default: '' }],
	options: [{ displayName: 'Tag', name: 'tag', type: 'string', default: '' }],
	async execute(item, client) {
		const text = item.read.requiredText(item.param('text'), 'Text');
		const tag = item.read.text(item.option('tag'), 'Tag');
		const answer = await client.post('/notes', { text, tag, id: item.stableUuid('note') });
		return answer.body as IDataObject;
	},
});

const list = notes.operation({
	value: 'getMany',
	name: 'Get Many',
	description: 'List notes',
	action: 'Get many notes',
	properties: [],
	returnsList: true,
	async execute(item, client) {
		const limit = item.limit();
		const answer = await client.get('/notes');
		const notes = (answer.body as IDataObject[]).slice(0, limit);
		return {
			returnAll: item.param('returnAll'),
			limit: item.param('limit', 50),
			notes,
		} as IDataObject;
	},
});

const note = notes.resource('note', 'Note', [list, add]);

const nodeType: INodeType = {
	description: {
		displayName: 'Notes',
		name: 'notes',
		group: ['output'],
		version: 1,
		description: 'Test notes',
		defaults: { name: 'Notes' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'testApiKey', required: true }],
		properties: notes.properties([note]),
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await notes.execute(this, [note]);
	},
};

const fake = new FakeServer();
beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	connects = 0;
	fake.route('POST', '/notes', (request) => ({ status: 201, body: request.body }));
	fake.route('GET', '/notes', () => ({ status: 200, body: [{ n: 1 }, { n: 2 }, { n: 3 }] }));
});

const run = async (parameters: IDataObject, items = 1, baseUrl = fake.baseUrl) =>
	await runNode({
		nodeType,
		parameters: { resource: 'note', ...parameters } as never,
		credentials: { testApiKey: { baseUrl, apiKey: KEY } },
		credentialTypes: [testApiKeyCredential],
		items: Array.from({ length: items }, (_, i) => ({ json: { i } })),
		continueOnFail: true,
	});

const property = (name: string, operation: string): INodeProperties | undefined =>
	nodeType.description.properties.find(
		(p) => p.name === name && p.displayOptions?.show?.operation?.includes(operation),
	);

describe('the door: a provider declared once', () => {
	it('builds the Resource and Operation selectors, operations sorted by name', () => {
		const [resource, operation] = nodeType.description.properties;
		expect(resource).toMatchObject({ name: 'resource', default: 'note' });
		expect(operation).toMatchObject({
			name: 'operation',
			default: 'getMany',
			displayOptions: { show: { resource: ['note'] } },
		});
		expect(operation.options?.map((o) => (o as { value: string }).value)).toEqual([
			'add',
			'getMany',
		]);
	});

	it("shows each operation's fields for it alone, keeping their own conditions", () => {
		expect(property('text', 'add')?.displayOptions?.show).toEqual({
			resource: ['note'],
			operation: ['add'],
		});
		expect(property('limit', 'getMany')?.displayOptions?.show).toEqual({
			returnAll: [false],
			resource: ['note'],
			operation: ['getMany'],
		});
	});

	it('gives every operation an Options collection: its own options, then the run options', () => {
		const options = property('options', 'add')?.options?.map((o) => (o as { name: string }).name);
		expect(options).toEqual(['tag', 'parallelRequests', 'maxWaitSeconds']);
		expect(property('options', 'getMany')).toBeDefined();
	});

	it('reads the credential once per run and sends to the base URL without its trailing slashes', async () => {
		const result = await run({ operation: 'add', text: 'hello', options: { tag: 'x' } }, 5);
		expect(result.items).toHaveLength(5);
		expect(connects).toBe(1);
		expect(fake.requestsTo('POST', '/notes')).toHaveLength(5);
		expect(fake.requestsTo('POST', '/notes')[0].body).toMatchObject({ text: 'hello', tag: 'x' });
	});

	it('gives a hidden parameter its fallback instead of failing (Limit while Return All is on)', async () => {
		const result = await run({ operation: 'getMany', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ returnAll: true, limit: 50 });
	});

	it("gives a Get Many n8n's Return All and Limit, and reads them per item", async () => {
		expect(property('returnAll', 'getMany')).toMatchObject({ type: 'boolean', default: false });
		expect(property('limit', 'getMany')).toMatchObject({ type: 'number', default: 50 });
		expect(property('limit', 'add')).toBeUndefined();
		expect((await run({ operation: 'getMany', returnAll: true })).items[0].json.notes).toHaveLength(
			3,
		);
		expect((await run({ operation: 'getMany', limit: 2 })).items[0].json.notes).toHaveLength(2);
	});

	it('refuses a Limit that is not a whole number of at least 1, and sends nothing', async () => {
		const result = await run({ operation: 'getMany', limit: 0.5 });
		expect(result.items[0].json.error).toBe(
			'Limit must be a whole number of at least 1, but got "0.5" [item 0]',
		);
		expect(fake.requests).toHaveLength(0);
	});

	it('names the field and the item for bad input, and sends nothing', async () => {
		const result = await run({ operation: 'add', text: '   ' });
		expect(result.items[0].json.error).toMatch(/^Text .* \[item 0\]$/);
		expect(fake.requests).toHaveLength(0);
	});

	it("words a failed answer in the provider's name, without the credential's secret", async () => {
		fake.script('POST', '/notes', { status: 400, body: { error: `bad key ${KEY}` } });
		const result = await run({ operation: 'add', text: 'hello' });
		expect(result.items[0].json.error).toBe('Notes: bad key [redacted]');
		expect(JSON.stringify(result.items)).not.toContain(KEY);
	});

	it("stops at a credential that cannot work, with connect's own words", async () => {
		const result = await run({ operation: 'add', text: 'hello' }, 1, 'ftp://nowhere');
		expect(result.items[0].json.error).toBe('The Base URL must start with http');
		expect(fake.requests).toHaveLength(0);
	});
});

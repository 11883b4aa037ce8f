import type { IExecuteFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { itemSends } from '../../nodes/shared/item-starts';
import {
	AUTOMATIC_PARALLEL_CEILING,
	ITEMS_STARTING_AT_ONCE,
	readRunSettings,
	runForEachItem,
} from '../../nodes/shared/items';
import type { ProviderApi } from '../../nodes/shared/request';
import { runNode } from '../engine/run-node';
import { FakeServer } from '../../fakes/fake-server';
import { testApiKeyCredential, testEchoNode } from './test-node';

/** Max Parallel Requests left empty: items start as fast as the provider's limits allow. */
const fake = new FakeServer();
let inFlight = 0;
let maxInFlight = 0;
/** Long enough that every request of a run is on its way before the first answers, even on a busy machine. */
let latencyMs = 50;

beforeAll(async () => {
	fake.route('POST', '/echo', async (request) => {
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		await new Promise((resolve) => setTimeout(resolve, latencyMs));
		inFlight--;
		return { status: 200, body: { echoed: (request.body as { text: string }).text } };
	});
	await fake.start();
});
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	inFlight = 0;
	maxInFlight = 0;
	latencyMs = 50;
});

const items = (count: number): INodeExecutionData[] =>
	Array.from({ length: count }, (_, i) => ({ json: { text: `item ${i}` } }));

function run(count: number, options: INodeParameters = {}, provider: Partial<ProviderApi> = {}) {
	return runNode({
		nodeType: testEchoNode('testApiKey', provider),
		credentialTypes: [testApiKeyCredential],
		credentials: { testApiKey: { apiKey: 'super-secret-key' } },
		parameters: { baseUrl: fake.baseUrl, text: '={{ $json.text }}', options },
		items: items(count),
	});
}

/** The item loop alone: each item's request gets its turn at once (or never) and takes 50 ms. */
async function runStubbed(count: number, { neverSends = false } = {}) {
	const ctx = {
		getInputData: () => items(count),
		continueOnFail: () => false,
		getNode: () => ({ type: 'test' }),
	} as unknown as IExecuteFunctions;
	let now = 0;
	let most = 0;
	await runForEachItem(
		ctx,
		async (itemIndex) => {
			most = Math.max(most, ++now);
			if (!neverSends) itemSends(ctx, itemIndex);
			await new Promise((resolve) => setTimeout(resolve, 50));
			now--;
			return {};
		},
		undefined,
	);
	return { most };
}

describe('Max Parallel Requests left empty: automatic', () => {
	it('without a pacer holding them back, every item is in flight at once, like the HTTP Request node', async () => {
		const { most } = await runStubbed(500);
		expect(most).toBe(500);
	});

	it(`never holds more than ${AUTOMATIC_PARALLEL_CEILING} items in flight`, async () => {
		const { most } = await runStubbed(AUTOMATIC_PARALLEL_CEILING * 10);
		expect(most).toBe(AUTOMATIC_PARALLEL_CEILING);
	});

	it(`while first requests wait for their pacer turn, at most ${ITEMS_STARTING_AT_ONCE} more items start`, async () => {
		const { most } = await runStubbed(100, { neverSends: true });
		expect(most).toBe(ITEMS_STARTING_AT_ONCE);
	});

	it('through n8n, more than the old default of 100 items go out together', async () => {
		latencyMs = 1500;
		const result = await run(300);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.echoed)).toEqual(
			items(300).map((item) => item.json.text),
		);
		expect(maxInFlight).toBeGreaterThan(100);
	});

	it("starts items as the documented limit allows, so none uses up its Max Wait queuing behind the run's own items", async () => {
		const documented = { name: 'Documented 20 per second', readRateLimit: undefined };
		const started = Date.now();
		const result = await run(
			60,
			{ maxWaitSeconds: 1 },
			{ ...documented, publishedRateLimit: { requests: 20, perMs: 1000 } },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(60);
		// 20 at once, then 40 more at 20 per second.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);

		// 100 items started at once would queue 2 s for the same limit, past a 1 s Max Wait.
		const fixed = await run(
			60,
			{ maxWaitSeconds: 1, parallelRequests: 100 },
			{
				...documented,
				name: 'Documented, fixed',
				publishedRateLimit: { requests: 20, perMs: 1000 },
			},
		);
		expect(fixed.error?.message).toMatch(/Rate limit reached; try again after/);
	});

	it('a saved Max Parallel Requests keeps its meaning', async () => {
		latencyMs = 1500;
		await run(200, { parallelRequests: 100 });
		expect(maxInFlight).toBe(100);
	});
});

describe('reading Max Parallel Requests', () => {
	const settingsFor = (options: Record<string, unknown>) =>
		readRunSettings({ getNodeParameter: () => options } as unknown as IExecuteFunctions);

	it.each([
		['not added (every workflow saved before)', {}, undefined],
		['0', { parallelRequests: 0 }, undefined],
		['100, the old default, saved', { parallelRequests: 100 }, 100],
		['2.7', { parallelRequests: 2.7 }, 2],
		['unreadable', { parallelRequests: 'lots' }, 1],
		['negative', { parallelRequests: -3 }, 1],
	])('%s', (_label, options, expected) => {
		expect(settingsFor(options).parallelRequests).toBe(expected);
	});
});

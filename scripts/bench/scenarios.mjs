// The benchmark's scenarios: each runs our node and n8n's HTTP Request node on the same fake,
// with the same latency, input and authentication, and returns what it measured.
import { packageName } from '../lib/package.mjs';
import { providers } from './providers.mjs';
import { leadsWorkflow } from './runner.mjs';
import { median, ratio } from './stats.mjs';

export const LATENCY_MS = 50;
const HTTP_NODE = 'HTTP Request';

/** What the two sides of every scenario share: the runner, the fakes and saved workflows. */
export class Bench {
	constructor({ runner, log }) {
		this.runner = runner;
		this.log = log;
		this.saved = new Map();
		this.setups = new Map();
	}

	/** Configuration a fake needs again after every reset. */
	afterReset(fake, setup) {
		this.setups.set(fake, setup);
	}

	ourNode(providerId, credentialId) {
		const provider = providers[providerId];
		return {
			name: provider.name,
			type: `${packageName}.${provider.nodeType}`,
			typeVersion: 1,
			parameters: provider.parameters(),
			credentials: { [provider.credentialType]: { id: credentialId, name: credentialId } },
		};
	}

	httpNode(providerId, fake, credentialId, settings = {}) {
		const { parameters, credentials } = providers[providerId].http(fake, credentialId);
		return {
			name: HTTP_NODE,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: { ...parameters, options: { ...parameters.options, ...settings.options } },
			...(credentials ? { credentials } : {}),
			...(settings.node ?? {}),
		};
	}

	async workflow(key, count, node) {
		if (!this.saved.has(key)) {
			const id = `benchWorkflow${String(this.saved.size + 1).padStart(4, '0')}`;
			const workflow = leadsWorkflow({ id, name: `Benchmark: ${key}`, count, node });
			this.saved.set(key, await this.runner.save(workflow));
		}
		return this.saved.get(key);
	}

	/**
	 * One run on a fresh fake: reset, seeded for `count` items, 50 ms latency. Returns n8n's
	 * figures and what the fake saw: objects created per item, duplicates, requests, 429s.
	 */
	async run({ label, key, count, node, providerId, fake, prepare }) {
		const provider = providers[providerId];
		const workflow = await this.workflow(key, count, node);
		fake.reset();
		provider.seed(fake, count);
		fake.latencyMs = LATENCY_MS;
		this.setups.get(fake)?.(fake);
		prepare?.(fake);
		const result = await this.runner.run(workflow, node.name);
		const { created, duplicates } = provider.count(fake);
		const outcome = {
			label,
			count,
			...result,
			created,
			notCreated: count - created,
			duplicates,
			requests: fake.requests.length,
			rateLimited: fake.rateLimited?.length ?? 0,
			itemsPerSecond: count / (result.nodeMs / 1000),
			growthKb: result.peakKb - result.rssBeforeKb,
		};
		this.log(
			`    ${label}: ${outcome.status}, node ${Math.round(result.nodeMs)} ms, ` +
				`${created}/${count} created, ${duplicates} duplicated, peak ${Math.round(result.peakKb / 1024)} MB` +
				(outcome.error ? ` — ${outcome.error.slice(0, 160)}` : ''),
		);
		return outcome;
	}
}

function summarize(runs) {
	return {
		runs,
		itemsPerSecond: median(runs.map((run) => run.itemsPerSecond)),
		nodeMs: median(runs.map((run) => run.nodeMs)),
		executionMs: median(runs.map((run) => run.executionMs)),
		wallMs: median(runs.map((run) => run.wallMs)),
		peakKb: median(runs.map((run) => run.peakKb)),
		growthKb: median(runs.map((run) => run.growthKb)),
		created: Math.min(...runs.map((run) => run.created)),
		duplicates: Math.max(...runs.map((run) => run.duplicates)),
		failedRuns: runs.filter((run) => run.status !== 'success').length,
	};
}

/** Our node and the HTTP Request node, alternating which goes first, `repeat` times each. */
async function pair(
	bench,
	{ providerId, fake, count, repeat, ourCredential, httpCredential, key },
) {
	const sides = {
		ours: {
			label: `${providers[providerId].name} node`,
			key: `${key} ours`,
			node: bench.ourNode(providerId, ourCredential),
		},
		http: {
			label: 'HTTP Request node',
			key: `${key} http`,
			node: bench.httpNode(providerId, fake, httpCredential),
		},
	};
	const runs = { ours: [], http: [] };
	for (let round = 0; round < repeat; round++) {
		for (const side of round % 2 === 0 ? ['ours', 'http'] : ['http', 'ours']) {
			runs[side].push(await bench.run({ ...sides[side], count, providerId, fake }));
		}
	}
	return { ours: summarize(runs.ours), http: summarize(runs.http) };
}

/** 1. No rate limit, 50 ms latency: throughput and n8n's peak memory. */
export async function throughput(bench, { fakes, credentials, plan }) {
	const results = [];
	for (const providerId of plan.throughput.providers) {
		bench.log(`  ${providers[providerId].name}, ${plan.throughput.items} items`);
		const { ours, http } = await pair(bench, {
			providerId,
			fake: fakes[providerId],
			count: plan.throughput.items,
			repeat: plan.throughput.repeat,
			ourCredential: credentials[providerId].ours,
			httpCredential: credentials[providerId].http,
			key: `throughput ${providerId} ${plan.throughput.items}`,
		});
		results.push({
			providerId,
			ours,
			http,
			speed: ratio(ours.itemsPerSecond, http.itemsPerSecond),
			memory: ratio(ours.peakKb, http.peakKb),
		});
	}
	return { items: plan.throughput.items, repeat: plan.throughput.repeat, results };
}

/** 2. One item: how long the node takes. */
export async function singleItem(bench, { fakes, credentials, plan }) {
	const results = [];
	for (const providerId of plan.single.providers) {
		bench.log(`  ${providers[providerId].name}, 1 item × ${plan.single.repeat}`);
		const { ours, http } = await pair(bench, {
			providerId,
			fake: fakes[providerId],
			count: 1,
			repeat: plan.single.repeat,
			ourCredential: credentials[providerId].ours,
			httpCredential: credentials[providerId].http,
			key: `single ${providerId}`,
		});
		results.push({ providerId, ours, http, time: ratio(ours.nodeMs, http.nodeMs) });
	}
	return { repeat: plan.single.repeat, results };
}

/** First to last request on the create route (ms), and how many went out in each window. */
function pacingOf(fake, path, windowMs) {
	const times = fake.requestsTo('POST', path).map((request) => request.time);
	if (times.length === 0) return { spanMs: 0, perWindow: [] };
	const first = Math.min(...times);
	const perWindow = [];
	for (const time of times) {
		const window = Math.floor((time - first) / windowMs);
		while (perWindow.length <= window) perWindow.push(0);
		perWindow[window] += 1;
	}
	return { spanMs: Math.max(...times) - first, perWindow };
}

/** 3. Fanvue with a small token bucket: everything through, nothing twice, near the floor. */
export async function rateLimited(bench, { fake, credentials, plan }) {
	const { items, requests, perMs } = plan.rateLimit;
	const floorMs = ((items - requests) / requests) * perMs;
	const prepare = (target) => target.useRateLimit(requests, perMs);
	const common = { count: items, providerId: 'fanvue', fake, prepare };
	const http = (settings) => bench.httpNode('fanvue', fake, credentials.http, settings);
	const variants = [
		{
			label: 'Fanvue node (defaults)',
			key: 'rate ours',
			node: bench.ourNode('fanvue', credentials.ours),
		},
		{ label: 'HTTP Request node (defaults)', key: 'rate http', node: http() },
		{
			label: 'HTTP Request node + Retry On Fail (3 tries, 1 s)',
			key: 'rate http retry',
			node: http({ node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } }),
		},
		{
			label: `HTTP Request node + Batching (${requests} items per ${perMs / 1000} s)`,
			key: 'rate http batching',
			node: http({
				options: { batching: { batch: { batchSize: requests, batchInterval: perMs } } },
			}),
		},
	];
	const results = [];
	for (const variant of variants) {
		const run = await bench.run({ ...common, ...variant });
		Object.assign(run, pacingOf(fake, '/chats', perMs));
		run.floorRatio = ratio(run.spanMs, floorMs);
		results.push(run);
	}
	return { items, requests, perMs, floorMs, results };
}

/** 4. Fanvue with every access token expired: how many refreshes, and whether the chain survives. */
export async function expiredTokens(bench, { fake, credentials, plan }) {
	const items = plan.expired.items;
	const refreshes = (target) => {
		const log = target.tokens.refreshLog;
		const presented = log.map((entry) => entry.refreshToken);
		return {
			refreshes: log.length,
			refreshOk: log.filter((entry) => entry.outcome === 'ok').length,
			refreshReused: log.filter((entry) => entry.outcome === 'reused').length,
			refreshInvalid: log.filter((entry) => entry.outcome === 'invalid').length,
			presentedTwice: presented.length - new Set(presented).size,
		};
	};
	const sides = [
		{
			label: 'Fanvue node (defaults)',
			key: 'expired ours',
			node: bench.ourNode('fanvue', credentials.ours),
		},
		{
			label: 'HTTP Request node (defaults)',
			key: 'expired http',
			node: bench.httpNode('fanvue', fake, credentials.http),
		},
	];
	const results = [];
	for (const side of sides) {
		const common = { count: items, providerId: 'fanvue', fake, node: side.node, key: side.key };
		const expired = await bench.run({
			...common,
			label: `${side.label}, tokens expired`,
			prepare: (target) => target.tokens.expireAccessTokens(),
		});
		Object.assign(expired, refreshes(fake));
		// The next run shows whether n8n kept a working token: no refresh needed if so.
		const next = await bench.run({ ...common, label: `${side.label}, next run` });
		Object.assign(next, refreshes(fake));
		results.push({ label: side.label, expired, next });
	}
	return { items, results };
}

/** 5. Ten times the items through one node: time and memory should grow in proportion. */
export async function scale(bench, { fakes, credentials, plan }) {
	const { providerId, small, large } = plan.scale;
	const fake = fakes[providerId];
	const sides = {
		ours: {
			label: `${providers[providerId].name} node`,
			node: bench.ourNode(providerId, credentials[providerId].ours),
		},
		http: {
			label: 'HTTP Request node',
			node: bench.httpNode(providerId, fake, credentials[providerId].http),
		},
	};
	const results = {};
	for (const [side, { label, node }] of Object.entries(sides)) {
		const runs = {};
		for (const count of [small, large]) {
			runs[count] = await bench.run({
				label: `${label}, ${count} items`,
				key: `scale ${side} ${count}`,
				count,
				node,
				providerId,
				fake,
			});
		}
		results[side] = {
			label,
			small: runs[small],
			large: runs[large],
			time: ratio(runs[large].nodeMs, runs[small].nodeMs),
			growth: ratio(runs[large].growthKb, runs[small].growthKb),
		};
	}
	return { providerId, small, large, results };
}

// The benchmark's scenarios: each runs our node and n8n's HTTP Request node on the same fake,
// with the same latency, input and authentication, and returns what it measured.
import { packageName } from '../lib/package.mjs';
import { providers } from './providers.mjs';
import { leadsWorkflow } from './runner.mjs';
import { median, ratio } from './stats.mjs';

export const LATENCY_MS = 50;
const HTTP_NODE = 'HTTP Request';

/** What a scenario's items do: create (the provider's first call) or `send` (its follow-up). */
const requestOf = (providerId, kind) =>
	kind === 'send' ? providers[providerId].send : providers[providerId];

/** What the two sides of every scenario share: the runner, the fakes and saved workflows. */
export class Bench {
	/** `fresh`: per provider, credentials for runs that each need the provider's whole budget. */
	constructor({ runner, log, fresh = {} }) {
		this.runner = runner;
		this.log = log;
		this.fresh = fresh;
		this.saved = new Map();
		this.setups = new Map();
	}

	/** Configuration a fake needs again after every reset. */
	afterReset(fake, setup) {
		this.setups.set(fake, setup);
	}

	ourNode(providerId, credentialId, kind) {
		const provider = providers[providerId];
		return {
			name: provider.name,
			type: `${packageName}.${provider.nodeType}`,
			typeVersion: 1,
			parameters: requestOf(providerId, kind).parameters(),
			credentials: { [provider.credentialType]: { id: credentialId, name: credentialId } },
		};
	}

	httpNode(providerId, fake, credentialId, settings = {}, kind) {
		const { parameters, credentials } = requestOf(providerId, kind).http(fake, credentialId);
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
	 * Our node paces by the limit its provider documents, per credential and n8n process: where
	 * the benchmark would spend more than that budget (Chatwoot: 3,000 requests a minute), each of
	 * our node's runs gets a credential of its own, so that every run starts with the whole budget,
	 * as one run a minute would. The HTTP Request node keeps no budget.
	 */
	withBudget(workflow, providerId) {
		const pool = this.fresh[providerId];
		const provider = providers[providerId];
		const ours = workflow.nodes.find((node) => node.credentials?.[provider.credentialType]);
		if (!pool?.length || !ours) return workflow;
		this.used = ((this.used ?? 0) + 1) % pool.length;
		const id = pool[this.used];
		const node = { ...ours, credentials: { [provider.credentialType]: { id, name: id } } };
		return {
			...workflow,
			nodes: workflow.nodes.map((entry) => (entry === ours ? node : entry)),
		};
	}

	/**
	 * One run on a fresh fake: reset, seeded for `count` items, 50 ms latency. Returns n8n's
	 * figures and what the fake saw: objects created per item, duplicates, requests, 429s.
	 */
	async run({ label, key, count, node, providerId, fake, prepare, kind }) {
		const request = requestOf(providerId, kind);
		const workflow = await this.workflow(key, count, node);
		fake.reset();
		request.seed(fake, count);
		fake.latencyMs = LATENCY_MS;
		this.setups.get(fake)?.(fake);
		prepare?.(fake);
		const result = await this.runner.run(this.withBudget(workflow, providerId), node.name);
		const { created, duplicates } = request.count(fake);
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

/** Medians over the rounds, each with its spread (lowest–highest), and the worst counts. */
export function summarize(runs) {
	const spread = (field) => {
		const values = runs.map((run) => run[field]).filter(Number.isFinite);
		return values.length ? [Math.min(...values), Math.max(...values)] : [NaN, NaN];
	};
	return {
		runs,
		rounds: runs.length,
		spread: Object.fromEntries(
			['itemsPerSecond', 'nodeMs', 'peakKb', 'growthKb', 'spanMs', 'floorRatio'].map((field) => [
				field,
				spread(field),
			]),
		),
		spanMs: median(runs.map((run) => run.spanMs)),
		floorRatio: median(runs.map((run) => run.floorRatio)),
		rateLimited: Math.max(...runs.map((run) => run.rateLimited)),
		requests: Math.max(...runs.map((run) => run.requests)),
		notCreated: Math.max(...runs.map((run) => run.notCreated)),
		status: runs.find((run) => run.status !== 'success')?.status ?? 'success',
		error: runs.find((run) => run.error)?.error,
		label: runs[0]?.label,
		count: runs[0]?.count,
		perWindow: runs[0]?.perWindow,
		load1: median(runs.map((run) => run.load1)),
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
	{ providerId, fake, count, repeat, ourCredential, httpCredential, key, kind },
) {
	const sides = {
		ours: {
			label: `${providers[providerId].name} node`,
			key: `${key} ours`,
			node: bench.ourNode(providerId, ourCredential, kind),
		},
		http: {
			label: 'HTTP Request node',
			key: `${key} http`,
			node: bench.httpNode(providerId, fake, httpCredential, {}, kind),
		},
	};
	const runs = { ours: [], http: [] };
	for (let round = 0; round < repeat; round++) {
		for (const side of round % 2 === 0 ? ['ours', 'http'] : ['http', 'ours']) {
			runs[side].push(await bench.run({ ...sides[side], count, providerId, fake, kind }));
		}
	}
	return { ours: summarize(runs.ours), http: summarize(runs.http) };
}

/**
 * 1. No rate limit, 50 ms latency: throughput and n8n's peak memory. `kind` 'send' (7.): each
 * item's follow-up into what it already has (a message, Recoup's rename) instead of a create.
 */
export async function throughput(bench, { fakes, credentials, plan }, kind) {
	const { providers: ids, items, repeat } = kind === 'send' ? plan.send : plan.throughput;
	const results = [];
	for (const providerId of ids) {
		bench.log(`  ${providers[providerId].name}, ${items} items`);
		const { ours, http } = await pair(bench, {
			providerId,
			fake: fakes[providerId],
			count: items,
			repeat,
			ourCredential: credentials[providerId].ours,
			httpCredential: credentials[providerId].http,
			key: `${kind ?? 'throughput'} ${providerId} ${items}`,
			kind,
		});
		results.push({
			providerId,
			ours,
			http,
			speed: ratio(ours.itemsPerSecond, http.itemsPerSecond),
			memory: ratio(ours.peakKb, http.peakKb),
		});
	}
	return { items, repeat, kind, results };
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

/**
 * 3. Fanvue with a small token bucket: everything through, nothing twice, near the floor.
 * `refill` (6.) makes the bucket refill slower than Fanvue documents (1 = as documented), with
 * X-RateLimit-* headers that tell the truth: the node must follow the headers, not the docs.
 */
export async function rateLimited(
	bench,
	{ fake, credentials, plan },
	{ refill = 1, variants } = {},
) {
	const { items, requests, perMs, repeat = 1 } = plan.rateLimit;
	const refillMs = perMs * refill;
	const floorMs = ((items - requests) / requests) * refillMs;
	const prepare = (target) => target.useRateLimit(requests, refillMs);
	const common = { count: items, providerId: 'fanvue', fake, prepare };
	const http = (settings) => bench.httpNode('fanvue', fake, credentials.http, settings);
	const all = [
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
			label: `HTTP Request node + Batching (${requests} items per ${refillMs / 1000} s)`,
			key: `rate http batching ${refillMs}`,
			node: http({
				options: { batching: { batch: { batchSize: requests, batchInterval: refillMs } } },
			}),
		},
	].slice(0, variants);
	const runs = all.map(() => []);
	for (let round = 0; round < repeat; round++) {
		const order = all.map((_, index) => index);
		if (round % 2) order.reverse();
		for (const index of order) {
			// Each bucket its own saved workflows: they point at its fake and its credentials.
			const key = `${all[index].key} refill ×${refill}`;
			const run = await bench.run({ ...common, ...all[index], key });
			Object.assign(run, pacingOf(fake, '/chats', refillMs));
			run.floorRatio = ratio(run.spanMs, floorMs);
			runs[index].push(run);
		}
	}
	return {
		items,
		requests,
		perMs: refillMs,
		refill,
		repeat,
		floorMs,
		results: runs.map(summarize),
	};
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
	const { providerId, small, large, repeat } = plan.scale;
	const results = { ours: { label: `${providers[providerId].name} node` } };
	results.http = { label: 'HTTP Request node' };
	for (const count of [small, large]) {
		bench.log(`  ${providers[providerId].name}, ${count} items × ${repeat}`);
		const { ours, http } = await pair(bench, {
			providerId,
			fake: fakes[providerId],
			count,
			repeat,
			ourCredential: credentials[providerId].ours,
			httpCredential: credentials[providerId].http,
			key: `scale ${providerId} ${count}`,
		});
		results.ours[count === small ? 'small' : 'large'] = { ...ours, count };
		results.http[count === small ? 'small' : 'large'] = { ...http, count };
	}
	for (const side of Object.values(results)) {
		side.time = ratio(side.large.nodeMs, side.small.nodeMs);
		side.growth = ratio(side.large.growthKb, side.small.growthKb);
	}
	return { providerId, small, large, repeat, results };
}

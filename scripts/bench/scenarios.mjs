// The benchmark's scenarios. Each runs our node and n8n's HTTP Request node on the same fake,
// with the same latency, input and authentication, and returns how to write its section of
// bench/results.md: its table, and its targets marked met or not met (`mark`), with the figures
// that explain a miss. They run in the order listed: one item first (it also loads every node
// type before anything is measured at scale), the largest runs last, so that a run n8n cannot
// survive costs no other figure; their sections appear by number.
import { cpus } from 'node:os';

import { table } from '../lib/report.mjs';
import { providers } from './providers.mjs';
import { LATENCY_MS, ratio } from './runner.mjs';

export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const seconds = (ms) => `${fixed(ms / 1000, 2)} s`;
const megabytes = (kb) => `${fixed(kb / 1024, 0)} MB`;
const milliseconds = (ms) => `${fixed(ms, 0)} ms`;
/** "4.44 s (4.1–4.9)": the median of the rounds with its lowest and highest. */
const spread = (field, format) => (side) => {
	const [low, high] = side.spread?.[field] ?? [];
	const text = format(side[field]);
	return side.rounds > 1 && Number.isFinite(low)
		? `${text} (${format(low).replace(/ \w+$/, '')}–${format(high)})`
		: text;
};
const status = (run) => (run.status === 'success' ? 'success' : `**${run.status}**`);
const firstError = (run) => (run.error ? `"${run.error.replace(/\|/g, '/').slice(0, 220)}"` : '');
const reported = (run) => (run.error ? `; n8n reported ${firstError(run)}` : '');
const plural = (n, word) => `${n} ${word}${n > 1 ? 's' : ''}`;
const GC = 'a full GC in n8n before every run';
/** A section: its heading, paragraphs and table, blank lines between. */
const section = (...parts) => parts.filter(Boolean).join('\n\n');
/** The first row (our node's) in bold. */
const boldFirst = (rows) => rows.map((row, i) => (i ? row : { ...row, label: `**${row.label}**` }));

/** The tables' columns, each [heading, value(row)]; a row is a summarized run with its label. */
const COLUMNS = {
	node: ['Node', (row) => row.label],
	items: ['Items', (row) => row.count],
	status: ['Status', status],
	itemsPerSecond: ['Items/s', spread('itemsPerSecond', (value) => fixed(value, 0))],
	nodeTime: ['Node time', spread('nodeMs', seconds)],
	execution: ['Execution', (row) => seconds(row.executionMs)],
	peak: ['Peak RSS', spread('peakKb', megabytes)],
	growth: ['Growth', spread('growthKb', megabytes)],
	created: ['Created', (row) => `${row.created}/${row.count}`],
	notCreated: ['Not created', (row) => row.notCreated],
	duplicates: ['Duplicates', (row) => row.duplicates],
	error: ['Error', firstError],
};
/** Columns by name from COLUMNS, then `more` of the scenario's own. */
const columns = (names, ...more) => [...names.split(' ').map((name) => COLUMNS[name]), ...more];
const ratios = (...headings) => headings.map((heading, i) => [heading, (row) => row.ratios?.[i]]);

/**
 * "1.02× (≥ 1×) **met**": a figure against its target (`bound`, e.g. '≤ 1.1×' or '≤ 0'), added
 * to `targets`; `why` explains a miss under "Where a target was not met".
 */
export function mark(targets, name, value, bound, why) {
	const [, sign, limit, unit] = /^(≥|≤) ([\d.]+)(×?)$/.exec(bound);
	const met = Number.isFinite(value) && (sign === '≥' ? value >= limit : value <= limit);
	const text = `${fixed(value, unit ? 2 : 0)}${unit} (${bound}) **${met ? 'met' : 'not met'}**`;
	targets.push({ name, met, text, why: met ? '' : why });
	return text;
}

/** 1. (create) and 7. (`send`: each item's follow-up into what its lead already has). */
const throughput =
	(kind) =>
	async ({ bench, plan, targets }) => {
		const send = kind === 'send';
		const { providers: ids, items, repeat } = plan[send ? 'send' : 'throughput'];
		const results = await bench.pairs(targets, ids, { count: items, repeat, kind });
		// The floor: the HTTP Request node with no credential at the same latency, which is its
		// Chatwoot request (Chatwoot's public API authenticates by the inbox in the path).
		const floor = results.find(({ providerId }) => !providers[providerId].auth)?.http;
		return ({ mark, parallel }) => {
			const number = send ? 7 : 1;
			const rows = results.flatMap(({ providerId, ours, http }) => {
				const { name: provider, send: follow, auth } = providers[providerId];
				const name = send ? `${provider} ${follow.operation}` : provider;
				const speed = mark(
					`${number}. ${name}: items/s vs the HTTP Request node${auth ? ' making the authenticated request' : ''}`,
					ratio(ours.itemsPerSecond, http.itemsPerSecond),
					auth ? '≥ 1.5×' : '≥ 1×',
					`${name}: our node ${fixed(ours.itemsPerSecond, 0)} items/s (${seconds(ours.nodeMs)} for ${items}), HTTP Request node ${fixed(http.itemsPerSecond, 0)} items/s (${seconds(http.nodeMs)}); load ${fixed(ours.load1, 2)} on ${cpus().length} cores. Our node starts items as the provider's limits allow, at most ${parallel} in flight; the HTTP Request node starts all ${items} requests at once.`,
				);
				const nearFloor =
					auth && floor
						? mark(
								`${number}. ${name}: items/s vs the floor (the HTTP Request node without a credential)`,
								ratio(ours.itemsPerSecond, floor.itemsPerSecond),
								'≥ 0.9×',
								`${name}: our node ${fixed(ours.itemsPerSecond, 0)} items/s, the HTTP Request node's request without a credential ${fixed(floor.itemsPerSecond, 0)} items/s.`,
							)
						: '';
				const second = send
					? mark(
							`7. ${name}: 0 sent twice`,
							ours.duplicates,
							'≤ 0',
							`${ours.duplicates} items were sent twice.`,
						)
					: mark(
							`1. ${name}: n8n's peak RSS vs the HTTP Request node`,
							ratio(ours.peakKb, http.peakKb),
							'≤ 1.1×',
							`Peak RSS ${megabytes(ours.peakKb)} with the ${name} node, ${megabytes(http.peakKb)} with the HTTP Request node (growth during the run: ${megabytes(ours.growthKb)} vs ${megabytes(http.growthKb)}).`,
						);
				return [
					{ ...ours, label: `**${name} node**`, ratios: [speed, nearFloor, second] },
					{ ...http, label: `HTTP Request node (${name} request)` },
				];
			});
			return section(
				send
					? `## 7. Send: ${items} follow-ups into existing chats, no rate limit, ${LATENCY_MS} ms latency`
					: `## 1. Throughput: ${items} items, no rate limit, ${LATENCY_MS} ms latency`,
				send &&
					"Each item writes into what its lead already has (seeded on the fake): a message into its conversation or chat, or for Recoup (which has no message send) its chat's new topic. Duplicates are messages beyond one per chat, for Recoup PATCH requests beyond one per chat.",
				`Median of ${plural(repeat, 'run')} per node (lowest–highest in brackets), alternating which node runs first, with ${GC}. Items/s = items ÷ the node's own execution time (n8n's runData \`executionTime\`); "execution" is the whole workflow (trigger, Code node, node, saving). Peak RSS is n8n's main process (VmHWM, reset before each run); growth is peak minus RSS before the run. Targets: at least 1.5× the HTTP Request node making the same authenticated request, at least 0.9× the floor (the HTTP Request node's request without a credential, its Chatwoot request, at the same latency) and, for Chatwoot, whose request carries no credential, at least 1×.`,
				table(
					columns(
						'node itemsPerSecond nodeTime execution peak growth created duplicates',
						['Load (1 min)', (row) => `load ${fixed(row.load1, 2)}`],
						...ratios('Items/s ratio', 'vs the floor', send ? 'Sent twice' : 'Peak RSS ratio'),
					),
					rows,
				),
			);
		};
	};

/** 2. One item: how long the node takes. */
async function singleItem({ bench, plan, targets }) {
	const { providers: ids, repeat } = plan.single;
	const results = await bench.pairs(targets, ids, { count: 1, repeat });
	return ({ mark }) => {
		const rows = results.map(({ providerId, ours, http }) => {
			const name = providers[providerId].name;
			const text = mark(
				`2. ${name}: one item's node time vs the HTTP Request node`,
				ratio(ours.nodeMs, http.nodeMs),
				'≤ 1.1×',
				`${name} node ${milliseconds(ours.nodeMs)}, HTTP Request node ${milliseconds(http.nodeMs)} for one request at ${LATENCY_MS} ms latency (medians of ${repeat}).`,
			);
			return { name, ours, http, ratios: [text] };
		});
		const nodeTime = spread('nodeMs', milliseconds);
		return section(
			'## 2. One item',
			`Median of ${plural(repeat, 'run')} per node (lowest–highest in brackets), alternating which node runs first, ${GC}. Node time is the node's own execution time; execution is the whole workflow.`,
			table(
				[
					['Provider', (row) => row.name],
					['Our node', (row) => nodeTime(row.ours)],
					['HTTP Request node', (row) => nodeTime(row.http)],
					['Execution (ours)', (row) => milliseconds(row.ours.executionMs)],
					['Execution (HTTP)', (row) => milliseconds(row.http.executionMs)],
					...ratios('Node time ratio'),
				],
				rows,
			),
		);
	};
}

/** First to last request on the create route (ms), and how many went out in each window. */
function pacingOf(fake, windowMs) {
	const times = fake.requestsTo('POST', '/chats').map((request) => request.time);
	const first = Math.min(...times);
	const perWindow = [];
	for (const time of times) {
		const window = Math.floor((time - first) / windowMs);
		while (perWindow.length <= window) perWindow.push(0);
		perWindow[window] += 1;
	}
	return { spanMs: times.length ? Math.max(...times) - first : 0, perWindow };
}

/**
 * 3. Fanvue with a small token bucket: everything through, nothing twice, near the floor.
 * 6. (`slower`): the bucket refills `plan.refill.slower` times slower than Fanvue documents, with
 * X-RateLimit-* headers that tell the truth: the node must follow the headers, not the docs.
 * `variants`: how many of the four nodes run.
 */
const rateLimited =
	(targetKey, { slower = false, variants = 4 } = {}) =>
	async ({ bench, plan, targets }) => {
		const own = targets[targetKey];
		const refill = slower ? plan.refill.slower : 1;
		const { items, requests, perMs, repeat = 1 } = plan.rateLimit;
		const refillMs = perMs * refill;
		const window = `${refillMs / 1000} s`;
		const floorMs = ((items - requests) / requests) * refillMs;
		const http = (label, settings) => ({ label, node: bench.httpNode(own, settings) });
		const nodes = [
			{ label: 'Fanvue node (defaults)', node: bench.ourNode(own) },
			http('HTTP Request node (defaults)'),
			http('HTTP Request node + Retry On Fail (3 tries, 1 s)', {
				node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 },
			}),
			http(`HTTP Request node + Batching (${requests} items per ${window})`, {
				options: { batching: { batch: { batchSize: requests, batchInterval: refillMs } } },
			}),
		].slice(0, variants);
		const results = await bench.rounds(own, nodes, {
			repeat,
			count: items,
			prepare: (fake) => fake.useRateLimit(requests, refillMs),
			measure(run) {
				Object.assign(run, pacingOf(own.fake, refillMs));
				run.floorRatio = ratio(run.spanMs, floorMs);
			},
		});
		return ({ mark }) => {
			const [ours] = results;
			const { notCreated, duplicates, rateLimited } = ours;
			const why = (what) =>
				`${what ? `${what} ` : ''}Fanvue node: ${status(ours)}, ${ours.created}/${items} created, ${rateLimited} × 429, first-to-last request ${seconds(ours.spanMs)} against a floor of ${seconds(floorMs)}; requests sent in each ${refillMs / 1000}-s window (the bucket allows ${requests}): ${ours.perWindow.join(', ')}${reported(ours)}.`;
			const partly =
				notCreated > 0 &&
				'The span only counts the requests that were sent before the node gave up.';
			for (const [name, value, bound, miss] of [
				['0 failed', notCreated, '≤ 0', `${notCreated} of ${items} items were not created.`],
				['0 duplicated', duplicates, '≤ 0', `${duplicates} items were created twice.`],
				['≤ 2 answers of 429', rateLimited, '≤ 2', `${rateLimited} answers of 429.`],
				["first-to-last request ≤ 1.1× the bucket's floor", ours.floorRatio, '≤ 1.1×', partly],
			]) {
				mark(`${slower ? 6 : 3}. Rate limit: ${name}`, value, bound, why(miss));
			}
			return section(
				slower
					? `## 6. Rate limit refilling ${refill}× slower than documented: Fanvue, ${requests} requests per ${window}, ${items} items`
					: `## 3. Rate limit: Fanvue, ${requests} requests per ${window}, ${items} items`,
				slower &&
					`Fanvue documents 200 requests per 60 s (${fixed(200 / 60, 2)} a second), which is what the node paces by until the provider says otherwise; this bucket refills ${fixed((requests * 1000) / refillMs, 2)} a second, and its X-RateLimit-Limit/Remaining/Reset headers (and Retry-After on a 429) say so. It shows whether the node follows the headers rather than the documentation.`,
				`Median of ${plural(repeat, 'round')} (lowest–highest in brackets; counts are the worst round), alternating the order of the nodes. The fake's token bucket starts full with ${requests} requests and refills ${requests} per ${window}, so ${items} items cannot be sent in less than (${items} − ${requests}) ÷ ${requests} × ${window} = **${seconds(floorMs)}** (the floor). "Not created" counts items without a chat on the fake; "duplicates" counts chats beyond one per item; 429s are counted by the fake.`,
				table(
					columns(
						'node status created notCreated duplicates',
						['429s', (run) => run.rateLimited],
						['Requests', (run) => run.requests],
						['First to last request', spread('spanMs', seconds)],
						['÷ floor', (run) => `${fixed(run.floorRatio, 2)}×`],
						...columns('execution error'),
					),
					boldFirst(results),
				),
			);
		};
	};

/** What the fake's token endpoint saw: refreshes, how each ended, refresh tokens presented twice. */
function refreshesOf(fake) {
	const log = fake.tokens.refreshLog;
	const outcomes = (outcome) => log.filter((entry) => entry.outcome === outcome).length;
	const presented = log.map((entry) => entry.refreshToken);
	return {
		refreshes: log.length,
		refreshOk: outcomes('ok'),
		refreshRefused: outcomes('reused') + outcomes('invalid'),
		refreshText: `${outcomes('ok')} ok, ${outcomes('reused')} reused, ${outcomes('invalid')} invalid`,
		presentedTwice: presented.length - new Set(presented).size,
	};
}

/** 4. Fanvue with every access token expired: how many refreshes, and whether the chain survives. */
async function expiredTokens({ bench, plan, targets }) {
	const own = targets.expired;
	const { items } = plan.expired;
	const runs = [];
	for (const [side, node] of [
		['Fanvue node (defaults)', bench.ourNode(own)],
		['HTTP Request node (defaults)', bench.httpNode(own)],
	]) {
		// The next run, expiring nothing, shows whether n8n kept a working token.
		for (const [label, prepare] of [
			[`${side}, tokens expired`, (fake) => fake.tokens.expireAccessTokens()],
			[`${side}, next run`],
		]) {
			const run = await bench.run(own, { label, count: items, node, prepare });
			runs.push({ ...run, ...refreshesOf(own.fake) });
		}
	}
	return ({ mark }) => {
		const [ours] = runs;
		const why = `Fanvue node: ${status(ours)}, ${ours.created}/${items} created, ${ours.refreshes} refresh requests (${ours.refreshText})${reported(ours)}.`;
		mark('4. Expired tokens: one refresh', ours.refreshes, '≤ 1', why);
		mark('4. Expired tokens: no refresh token presented twice', ours.presentedTwice, '≤ 0', why);
		mark('4. Expired tokens: 0 failed', ours.notCreated, '≤ 0', why);
		return section(
			`## 4. Expired OAuth2 token: Fanvue, ${items} items`,
			"Every access token is expired before the first run; the fake's token endpoint rotates single-use refresh tokens and revokes the whole chain when one is presented twice (as Ory Hydra, Fanvue's authorization server, does). The next run, without expiring anything, shows whether n8n kept a working token.",
			table(
				[
					['Node, run', (run) => run.label],
					...columns('status created duplicates'),
					['Refresh requests', (run) => run.refreshes],
					['Refreshed', (run) => run.refreshOk],
					['Refused (reused/revoked)', (run) => run.refreshRefused],
					['Refresh token presented twice', (run) => run.presentedTwice],
					...columns('execution error'),
				],
				boldFirst(runs),
			),
		);
	};
}

/** 5. Ten times the items through one node: time and memory should grow in proportion. */
async function scale({ bench, plan, targets }) {
	const { providerId, small, large, repeat } = plan.scale;
	const measured = [];
	for (const count of [small, large]) {
		measured.push(...(await bench.pairs(targets, [providerId], { count, repeat })));
	}
	return ({ mark }) => {
		const bound = large / small;
		const rows = ['ours', 'http'].flatMap((side) => {
			const [few, many] = measured.map((pair) => pair[side]);
			const time = ratio(many.nodeMs, few.nodeMs);
			const growth = ratio(many.growthKb, few.growthKb);
			const label = side === 'ours' ? `**${few.label}**` : few.label;
			const ratios = [`${fixed(time, 2)}×`, `${fixed(growth, 2)}×`];
			return [
				{ ...few, label },
				{ ...many, label, time, growth, ratios },
			];
		});
		const [few, many, , httpMany] = rows;
		const label = measured[0].ours.label;
		mark(
			`5. ${large} items: time ≤ ${bound}× the ${small}-item run`,
			many.time,
			`≤ ${bound}×`,
			`${label}: ${seconds(few.nodeMs)} for ${small} items, ${seconds(many.nodeMs)} for ${large}.`,
		);
		mark(
			`5. ${large} items: peak RSS growth in proportion to the ${small}-item run`,
			many.growth,
			`≤ ${bound}×`,
			`${label}: RSS grew ${megabytes(few.growthKb)} during the ${small}-item run and ${megabytes(many.growthKb)} during the ${large}-item run.`,
		);
		mark(
			`5. ${large} items: n8n's peak RSS vs the HTTP Request node`,
			ratio(many.peakKb, httpMany.peakKb),
			'≤ 1.1×',
			`${label}: ${megabytes(many.peakKb)} against ${megabytes(httpMany.peakKb)} for ${large} items.`,
		);
		return section(
			`## 5. Scale: ${large} items through one node (${providers[providerId].name})`,
			`Median of ${plural(repeat, 'round')} per node and size (lowest–highest in brackets), alternating which node runs first, ${GC}, so that growth (peak RSS during the run minus RSS before it) starts from the same settled heap for both sizes and both nodes. Target for our node: time ≤ ${bound}× and RSS growth no more than in proportion (≤ ${bound}×) of the ${small}-item run.`,
			table(
				columns(
					'node items status nodeTime',
					['Items/s', (run) => fixed(run.itemsPerSecond, 0)],
					...columns('peak growth created duplicates'),
					...ratios('Time ratio', 'Growth ratio'),
				),
				rows,
			),
		);
	};
}

/**
 * `run(context)` measures and returns `write({ mark, parallel })`; `plan`: the plan's entry the
 * scenario needs (a plan without it skips the scenario).
 */
export const SCENARIOS = [
	{ number: 2, name: 'one item', plan: 'single', run: singleItem },
	{ number: 1, name: 'throughput', plan: 'throughput', run: throughput('create') },
	{ number: 7, name: 'send', plan: 'send', run: throughput('send') },
	{ number: 3, name: 'rate limit', plan: 'rateLimit', run: rateLimited('limited') },
	{
		number: 6,
		name: 'rate limit refilling slower than documented',
		plan: 'refill',
		run: rateLimited('refill', { slower: true, variants: 2 }),
	},
	{ number: 4, name: 'expired tokens', plan: 'expired', run: expiredTokens },
	{ number: 5, name: 'scale', plan: 'scale', run: scale },
];

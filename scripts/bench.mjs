// Benchmark in a real n8n: `npm run bench [-- --quick] [-- --no-build] [-- --keep]`.
// Builds and packs the package, installs it into a fresh n8n 2.8.4 user folder as n8n's
// Community Nodes installer does, starts the provider fakes with 50 ms latency, and runs each
// scenario with our node and with n8n's HTTP Request node on the same fake. Writes
// bench/results.md (--quick: bench/results-quick.md, smaller sizes, under 3 minutes;
// --smoke: seconds, to check the script itself).
// Exits non-zero only when the benchmark itself breaks; a missed target is reported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureN8n } from './lib/n8n.mjs';
import { freePort, N8nInstance } from './lib/instance.mjs';
import { build, installLikeN8n, pack, repoRoot } from './lib/package.mjs';
import { compileFakes } from '../fakes/compiled.mjs';
import { providers } from './bench/providers.mjs';
import { Report } from './bench/report.mjs';
import { WorkflowRunner } from './bench/runner.mjs';
import {
	Bench,
	expiredTokens,
	LATENCY_MS,
	rateLimited,
	scale,
	singleItem,
	throughput,
} from './bench/scenarios.mjs';

const { values: args } = parseArgs({
	options: {
		quick: { type: 'boolean', default: false },
		smoke: { type: 'boolean', default: false },
		'no-build': { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
		// Scenario numbers to run, e.g. --only=1,7 (to look into one; results go to bench/results-only.md).
		only: { type: 'string' },
	},
});

const ALL = ['recoup', 'chert', 'chatwoot', 'fanvue'];
const PLANS = {
	full: {
		throughput: { providers: ALL, items: 1000, repeat: 3 },
		send: { providers: ALL, items: 1000, repeat: 3 },
		single: { providers: ALL, repeat: 5 },
		rateLimit: { items: 60, requests: 20, perMs: 6000, repeat: 3 },
		refill: { slower: 2 },
		expired: { items: 50 },
		scale: { providerId: 'recoup', small: 1000, large: 10_000, repeat: 3 },
	},
	quick: {
		throughput: { providers: ['recoup', 'fanvue'], items: 200, repeat: 1 },
		send: { providers: ['chatwoot', 'chert'], items: 200, repeat: 1 },
		single: { providers: ALL, repeat: 2 },
		rateLimit: { items: 20, requests: 5, perMs: 2000, repeat: 1 },
		refill: { slower: 2 },
		expired: { items: 10 },
	},
	// Checks the script itself in seconds; its figures mean nothing.
	smoke: {
		throughput: { providers: ALL, items: 5, repeat: 1 },
		send: { providers: ALL, items: 5, repeat: 1 },
		single: { providers: ALL, repeat: 1 },
		rateLimit: { items: 6, requests: 3, perMs: 1000, repeat: 1 },
		refill: { slower: 2 },
		expired: { items: 3 },
		scale: { providerId: 'recoup', small: 3, large: 30, repeat: 1 },
	},
};
const mode = args.smoke ? 'smoke' : args.quick ? 'quick' : 'full';
const plan = PLANS[mode];
const only = args.only?.split(',').map(Number);
const output = join(
	repoRoot,
	'bench',
	only ? 'results-only.md' : mode === 'full' ? 'results.md' : `results-${mode}.md`,
);
const log = (line) => console.log(line);

/** Max Parallel Requests' default, from the built package. */
function defaultParallelRequests() {
	const require = createRequire(import.meta.url);
	return require(join(repoRoot, 'dist', 'nodes', 'shared', 'items.js')).DEFAULT_PARALLEL_REQUESTS;
}

/** Scenarios that change a Fanvue fake's state (its bucket, its tokens) get a fake of their own. */
const OWN_FANVUE = ['limited', 'refill', 'expired'];

async function startFakes(compiled) {
	const shared = {};
	for (const id of ALL) shared[id] = await providers[id].start(compiled);
	const fakes = { shared, all: Object.values(shared) };
	for (const key of OWN_FANVUE) {
		fakes[key] = await providers.fanvue.start(compiled);
		fakes.all.push(fakes[key]);
	}
	return fakes;
}

/** More than our node's runs on one provider in the longest plan. */
const FRESH_CREDENTIALS = 24;

/** n8n credentials for our node and the HTTP Request node, each side its own. */
function credentialsFor(fakes) {
	const list = [];
	const add = (id, type, data) => {
		list.push({ id, name: id, type, data });
		return id;
	};
	const pairFor = (prefix, providerId, fake) => {
		const provider = providers[providerId];
		const { ours, http } = provider.credentials(fake);
		const fresh = Array.from({ length: provider.ownBudgetPerRun ? FRESH_CREDENTIALS : 0 }, (_, i) =>
			add(`${prefix}Ours${i + 1}`, provider.credentialType, ours),
		);
		return {
			ours: add(`${prefix}Ours`, provider.credentialType, ours),
			http: http ? add(`${prefix}Http`, http.type, http.data) : undefined,
			...(fresh.length ? { fresh } : {}),
		};
	};
	const ids = {};
	for (const id of ALL) ids[id] = pairFor(`bench${providers[id].name}`, id, fakes.shared[id]);
	for (const key of OWN_FANVUE) ids[key] = pairFor(`benchFanvue${key}`, 'fanvue', fakes[key]);
	return { list, ids };
}

/** Scenarios that could not be measured: the benchmark itself broke. */
const failures = [];

async function main() {
	const startedAt = new Date();
	const clock = Date.now();
	if (!args['no-build']) {
		log('Building the package...');
		await build();
	}
	// Read now, from the build just packed: dist/ may be rebuilt while the benchmark runs.
	const parallel = defaultParallelRequests();
	const tarball = await pack();
	const compiled = await compileFakes();
	const n8n = await ensureN8n('2', log);
	log(`n8n ${n8n.version}, package ${tarball}`);

	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-bench-'));
	const instance = new N8nInstance(n8n, {
		userFolder,
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: 'bench-encryption-key-n8n-nodes-chat-providers',
		// The inspector lets the runner force a full GC before every measured run.
		nodeArgs: ['--inspect=127.0.0.1:0'],
	});
	const fakes = await startFakes(compiled);
	try {
		await installLikeN8n(userFolder, tarball);
		const credentials = credentialsFor(fakes);
		await instance.importJson('credentials', 'credentials.json', credentials.list);
		await instance.start();
		await instance.ownerLogin();
		log(`n8n started (main process ${instance.process.pid})`);

		const bench = new Bench({
			runner: new WorkflowRunner(instance, n8n.dir),
			log,
			fresh: Object.fromEntries(ALL.map((id) => [id, credentials.ids[id].fresh])),
		});
		// Scenarios 1, 2 and 5 are about a provider with room: Fanvue's bucket is made endless.
		bench.afterReset(fakes.shared.fanvue, (fake) => fake.useRateLimit(1e9, 1000));
		const context = { fakes: fakes.shared, credentials: credentials.ids, plan };

		const report = new Report({
			mode,
			n8nVersion: n8n.version,
			latencyMs: LATENCY_MS,
			parallel,
		});
		const own = (key) => ({ fake: fakes[key], credentials: credentials.ids[key], plan });
		// One item first: it also loads every node type before anything is measured at scale.
		// The largest runs go last, so that a run n8n cannot survive costs no other figure.
		// A scenario is one line: its number, name, what it measures and which table shows it.
		const scenarios = [
			{ number: 2, name: 'one item', measure: () => singleItem(bench, context) },
			{ number: 1, name: 'throughput', measure: () => throughput(bench, context) },
			{ number: 7, name: 'send', measure: () => throughput(bench, context, 'send') },
			{ number: 3, name: 'rate limit', measure: () => rateLimited(bench, own('limited')) },
			{
				number: 6,
				name: 'rate limit refilling slower than documented',
				measure: () =>
					rateLimited(bench, own('refill'), { refill: plan.refill.slower, variants: 2 }),
			},
			{ number: 4, name: 'expired tokens', measure: () => expiredTokens(bench, own('expired')) },
			...(plan.scale ? [{ number: 5, name: 'scale', measure: () => scale(bench, context) }] : []),
		];
		const write = {
			1: (result) => report.throughput(result),
			2: (result) => report.singleItem(result),
			3: (result) => report.rateLimited(result),
			4: (result) => report.expiredTokens(result),
			5: (result) => report.scale(result),
			6: (result) => report.rateLimited(result),
			7: (result) => report.throughput(result),
		};
		const measured = new Map();
		for (const { number, name, measure } of scenarios) {
			if (only && !only.includes(number)) continue;
			log(`Scenario ${number}: ${name}`);
			try {
				measured.set(number, await measure());
			} catch (error) {
				failures.push(`Scenario ${number} (${name}) broke: ${error.message}`);
				log(failures.at(-1));
			}
		}
		for (const number of [...measured.keys()].sort()) write[number](measured.get(number));
		report.broken = failures;

		const markdown = report.toMarkdown({ startedAt, durationMs: Date.now() - clock });
		mkdirSync(join(repoRoot, 'bench'), { recursive: true });
		writeFileSync(output, markdown);
		log(`\n${markdown}`);
		log(`Wrote ${output}`);
	} finally {
		await instance.stop();
		for (const fake of fakes.all) await fake.stop();
		if (args.keep) log(`Kept ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
	}
}

try {
	await main();
} catch (error) {
	console.error(error);
	failures.push(error.message);
}
process.exit(failures.length ? 1 : 0);

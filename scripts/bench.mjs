// Benchmark in a real n8n: `npm run bench [-- --quick | --smoke] [--only=1,7] [--load=1] [--no-build] [--keep]`
// (`--providers=chatwoot,fanvue` narrows scenarios 1, 2 and 7; `--profile=DIR` writes a CPU profile of
// n8n's main process per measured run, to open in Chrome's DevTools; profiled runs are slower).
// Builds and packs the package, installs it into a fresh n8n 2.8.4 user folder as n8n's
// Community Nodes installer does, starts the provider fakes with 50 ms latency, and runs each
// scenario (scripts/bench/scenarios.mjs) with our node and with n8n's HTTP Request node on the
// same fake. Writes bench/results.md (--quick: bench/results-quick.md, smaller sizes, under 3
// minutes; --smoke: results-smoke.md in seconds, to check the script itself; --only: scenarios by
// number, to results-only.md; --load=N: N busy processes beside n8n throughout, to results-load.md,
// or results-quick-load.md / results-smoke-load.md: the "under load" figures). Exits non-zero
// only when the benchmark itself breaks; a missed target is reported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureN8n } from './lib/n8n.mjs';
import { freePort, N8nInstance } from './lib/instance.mjs';
import { build, installLikeN8n, pack, repoRoot } from './lib/package.mjs';
import { table } from './lib/report.mjs';
import { compileFakes } from '../fakes/compiled.mjs';
import { providers } from './bench/providers.mjs';
import { startLoad } from './bench/conditions.mjs';
import { Bench, LATENCY_MS } from './bench/runner.mjs';
import { fixed, mark, SCENARIOS } from './bench/scenarios.mjs';

const { values: args } = parseArgs({
	options: {
		quick: { type: 'boolean', default: false },
		smoke: { type: 'boolean', default: false },
		'no-build': { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
		only: { type: 'string' },
		load: { type: 'string' },
		providers: { type: 'string' },
		profile: { type: 'string' },
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
const plan = narrowed(PLANS[mode], args.providers?.split(','));
/** The plan with only these providers in the scenarios that run every provider. */
function narrowed(full, chosen) {
	if (!chosen) return full;
	const unknown = chosen.filter((id) => !ALL.includes(id));
	if (unknown.length)
		throw new Error(`Unknown provider ${unknown.join(', ')}: use ${ALL.join(', ')}`);
	return Object.fromEntries(
		Object.entries(full).map(([name, entry]) => [
			name,
			entry.providers
				? { ...entry, providers: entry.providers.filter((id) => chosen.includes(id)) }
				: entry,
		]),
	);
}
const only = args.only?.split(',').map(Number);
const load = Number(args.load ?? 0);
const output = join(
	repoRoot,
	'bench',
	// Under load, --only too writes results-load.md: the under-load figures may be a few scenarios.
	load
		? `${['results', mode === 'full' ? '' : mode, 'load'].filter(Boolean).join('-')}.md`
		: only || args.providers
			? 'results-only.md'
			: `results${mode === 'full' ? '' : `-${mode}`}.md`,
);
const log = (line) => console.log(line);

/** Max Parallel Requests' default, from the built package. */
function defaultParallelRequests() {
	const require = createRequire(import.meta.url);
	return require(join(repoRoot, 'dist', 'nodes', 'shared', 'items.js')).DEFAULT_PARALLEL_REQUESTS;
}

/** More than our node's runs on one provider in the longest plan. */
const FRESH_CREDENTIALS = 24;

/**
 * A fake per provider, and for the scenarios that change a Fanvue fake's state (its bucket, its
 * tokens) one of their own; each with n8n credentials for our node and the HTTP Request node.
 */
async function startTargets(compiled) {
	const targets = {};
	const credentials = [];
	const add = (id, type, data) => (credentials.push({ id, name: id, type, data }), id);
	const start = async (key, providerId, name) => {
		const provider = providers[providerId];
		const fake = await new (compiled.load(providerId)[provider.fake])().start();
		const { ours, http } = provider.credentials(fake);
		const fresh = provider.ownBudgetPerRun
			? Array.from({ length: FRESH_CREDENTIALS }, (_, i) =>
					add(`${name}Ours${i + 1}`, provider.credentialType, ours),
				)
			: undefined;
		const ids = {
			ours: add(`${name}Ours`, provider.credentialType, ours),
			http: http && add(`${name}Http`, http.type, http.data),
			fresh,
		};
		targets[key] = { providerId, fake, credentials: ids };
	};
	for (const id of ALL) await start(id, id, `bench${providers[id].name}`);
	for (const key of ['limited', 'refill', 'expired'])
		await start(key, 'fanvue', `benchFanvue${key}`);
	// Scenarios 1, 2, 5 and 7 are about a provider with room: Fanvue's bucket is made endless.
	targets.fanvue.setup = (fake) => fake.useRateLimit(1e9, 1000);
	return { targets, credentials };
}

function markdown({ targets, sections, broken, n8nVersion, loadAtStart, startedAt, durationMs }) {
	const cores = cpus();
	const loads = (values) => values.map((value) => fixed(value, 2)).join(', ');
	const met = targets.filter((target) => target.met).length;
	const missed = targets.filter((target) => !target.met);
	const lines = [
		`# Benchmark${mode === 'full' ? '' : ` (${mode})`}: our nodes against n8n's HTTP Request node`,
		'',
		`Generated by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` on ${startedAt.toISOString()} in ${fixed(durationMs / 60000, 1)} min.`,
		'',
		`- Machine: ${cores[0]?.model?.trim() ?? 'unknown CPU'} × ${cores.length}, ${fixed(totalmem() / 1024 ** 3, 1)} GB memory, ${process.platform} ${release()}, Node ${process.version}`,
		...(load
			? [
					`- Under load on purpose: ${load} busy process${load > 1 ? 'es' : ''} (\`--load=${load}\`, each a loop wanting a whole core) beside n8n and the fakes throughout`,
				]
			: []),
		`- Load average (1, 5, 15 min) on ${cores.length} cores: ${loads(loadAtStart)} at the start, ${loads(loadavg())} at the end; each table gives the 1-min load at its runs (median). Above ${cores.length}, runs waited for a core and times are inflated`,
		"- Every measured run starts after a full garbage collection in n8n's main process (through its inspector); each scenario alternates which node runs first. Before and after a run of 10,000 items, the next run waits until the closed connections are out of TIME_WAIT (at most 4,000 left, or 65 s): n8n opens a connection per request, and thousands in TIME_WAIT slow every connect",
		`- n8n ${n8nVersion} (\`n8n start\`, SQLite), this package packed and installed as n8n's Community Nodes installer does`,
		`- Providers: the package's fakes (fakes/) on 127.0.0.1 in the benchmark's process, ${LATENCY_MS} ms added to every answer`,
		'- Workflow: Manual Trigger → Code node emitting the items → the node, run over REST as the editor runs it; our nodes with default options, the HTTP Request node (4.2) with defaults making the same request with the same authentication',
		'',
		`**Targets met: ${met} of ${targets.length}.**`,
		'',
		table(
			['Target', 'Figure'],
			targets.map((target) => [target.name, target.text]),
		),
		...(broken.length
			? ['', '### The benchmark broke', '', ...broken.map((text) => `- ${text}`)]
			: []),
		...(missed.length
			? ['', '### Where a target was not met', '', ...missed.map((t) => `- ${t.name}: ${t.why}`)]
			: []),
		...sections.flatMap((section) => ['', section]),
	];
	return `${lines.join('\n')}\n`;
}

/** Scenarios that could not be measured: the benchmark itself broke. */
const broken = [];

async function main() {
	const startedAt = new Date();
	const loadAtStart = loadavg();
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
	const { targets, credentials } = await startTargets(compiled);
	let stopLoad;
	try {
		await installLikeN8n(userFolder, tarball);
		await instance.importJson('credentials', 'credentials.json', credentials);
		await instance.start();
		await instance.ownerLogin();
		log(`n8n started (main process ${instance.process.pid})`);
		stopLoad = load ? startLoad(load) : undefined;

		const context = {
			bench: new Bench(instance, n8n.dir, log, { profileDir: args.profile }),
			plan,
			targets,
		};
		const written = [];
		for (const scenario of SCENARIOS) {
			if (!plan[scenario.plan] || (only && !only.includes(scenario.number))) continue;
			log(`Scenario ${scenario.number}: ${scenario.name}`);
			try {
				written.push([scenario.number, await scenario.run(context)]);
			} catch (error) {
				broken.push(`Scenario ${scenario.number} (${scenario.name}) broke: ${error.message}`);
				log(broken.at(-1));
			}
		}
		const marked = [];
		const doc = { parallel, mark: (...target) => mark(marked, ...target) };
		const sections = written.sort(([a], [b]) => a - b).map(([, write]) => write(doc));
		const text = markdown({
			targets: marked,
			sections,
			broken,
			n8nVersion: n8n.version,
			loadAtStart,
			startedAt,
			durationMs: Date.now() - startedAt.getTime(),
		});
		mkdirSync(join(repoRoot, 'bench'), { recursive: true });
		writeFileSync(output, text);
		log(`\n${text}`);
		log(`Wrote ${output}`);
	} finally {
		stopLoad?.();
		await instance.stop();
		for (const { fake } of Object.values(targets)) await fake.stop();
		if (args.keep) log(`Kept ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
	}
}

try {
	await main();
} catch (error) {
	console.error(error);
	broken.push(error.message);
}
process.exit(broken.length ? 1 : 0);

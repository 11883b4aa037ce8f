// Running workflows on a started n8n over its REST API, each after a full GC, with its timings
// and the peak memory of n8n's main process; and the Bench, which runs one node on a freshly
// reset fake and pairs our node with the HTTP Request node in alternating order.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { packageName } from '../lib/package.mjs';
import { settleSockets } from './conditions.mjs';
import { INPUT, leadsCode, providers, TRIGGER } from './providers.mjs';

export const LATENCY_MS = 50;
/** A run this large leaves enough closed connections to slow the next run's connects. */
const MANY_REQUESTS = 5000;
/** TIME_WAIT sockets left when a run may start: above what this machine holds at rest. */
const SOCKETS_SETTLED = 4000;
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values) {
	const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const ratio = (value, reference) =>
	Number.isFinite(value) && Number.isFinite(reference) && reference !== 0 ? value / reference : NaN;

/** Manual Trigger → Code node emitting `count` leads → the node under test. */
function leadsWorkflow({ id, name, count, node }) {
	const nodes = [
		{ name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: INPUT,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: leadsCode(count) },
		},
		node,
	].map((entry, index) => ({ id: randomUUID(), position: [index * 220, 0], ...entry }));
	const next = (to) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: { [TRIGGER]: next(INPUT), [INPUT]: next(node.name) },
	};
}

/** kB values of /proc/<pid>/status (VmRSS, VmHWM). */
function memoryOf(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const read = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
	return { rssKb: read('VmRSS'), peakKb: read('VmHWM') };
}

/** Medians over the rounds, each with its spread (lowest–highest), and the worst counts. */
export function summarize(runs) {
	const values = (field) => runs.map((run) => run[field]).filter(Number.isFinite);
	const worst = (field, pick = Math.max) => pick(...runs.map((run) => run[field]));
	const spread = (field) => [Math.min(...values(field)), Math.max(...values(field))];
	const SPREAD = ['itemsPerSecond', 'nodeMs', 'peakKb', 'growthKb', 'spanMs', 'floorRatio'];
	return {
		...Object.fromEntries([...SPREAD, 'executionMs', 'load1'].map((f) => [f, median(values(f))])),
		spread: Object.fromEntries(SPREAD.map((field) => [field, spread(field)])),
		...Object.fromEntries(
			['notCreated', 'duplicates', 'rateLimited', 'requests'].map((f) => [f, worst(f)]),
		),
		created: worst('created', Math.min),
		rounds: runs.length,
		label: runs[0].label,
		count: runs[0].count,
		perWindow: runs[0].perWindow,
		status: runs.find((run) => run.status !== 'success')?.status ?? 'success',
		error: runs.find((run) => run.error)?.error,
	};
}

/**
 * Runs workflows on a started, logged-in n8n and keeps the saved ones. A `target` is a fake with
 * its provider and credentials (`ours`, `http`, and for a provider whose budget the benchmark
 * would exhaust, `fresh`); its `setup` is configuration the fake needs again after every reset.
 */
export class Bench {
	/** @param {import('../lib/instance.mjs').N8nInstance} instance */
	constructor(instance, n8nDir, log, { profileDir } = {}) {
		this.instance = instance;
		this.profileDir = profileDir;
		this.profiles = 0;
		this.pid = instance.process.pid;
		this.log = log;
		this.saved = new Map();
		this.used = 0;
		// n8n returns execution data in its `flatted` serialisation: read it with n8n's own copy.
		const require = createRequire(join(n8nDir, 'node_modules', 'n8n', 'package.json'));
		this.flatted = require('flatted');
		this.WebSocket = require('ws');
	}

	/** A session on n8n's inspector (n8n started with --inspect=127.0.0.1:0). */
	async inspector() {
		const url = /Debugger listening on (ws:\/\/\S+)/.exec(this.instance.log)?.[1];
		if (!url) throw new Error('n8n was not started with --inspect: cannot reach its inspector');
		const socket = new this.WebSocket(url);
		await new Promise((resolve, reject) => {
			socket.once('open', resolve);
			socket.once('error', reject);
		});
		let lastId = 0;
		const call = (method, params = {}) =>
			new Promise((resolve) => {
				const id = ++lastId;
				const onMessage = (message) => {
					const answer = JSON.parse(String(message));
					if (answer.id !== id) return;
					socket.off('message', onMessage);
					resolve(answer.result);
				};
				socket.on('message', onMessage);
				socket.send(JSON.stringify({ id, method, params }));
			});
		return { call, close: () => socket.close() };
	}

	/** A full garbage collection in n8n's main process: every run then starts from the same
	 * settled heap, whichever ran before. */
	async collectGarbage() {
		const session = await this.inspector();
		await session.call('HeapProfiler.collectGarbage');
		session.close();
	}

	/** With --profile: a CPU profile of n8n's main process from here until `stop(name)`. */
	async startProfile() {
		if (!this.profileDir) return undefined;
		const session = await this.inspector();
		await session.call('Profiler.enable');
		await session.call('Profiler.start');
		return {
			stop: async (name) => {
				const { profile } = await session.call('Profiler.stop');
				session.close();
				mkdirSync(this.profileDir, { recursive: true });
				const file = join(
					this.profileDir,
					`${name.replace(/\W+/g, '-')}-${++this.profiles}.cpuprofile`,
				);
				writeFileSync(file, JSON.stringify(profile));
				this.log(`    CPU profile: ${file}`);
			},
		};
	}

	/**
	 * Runs the workflow as the editor's "Execute workflow" does and waits for it to finish.
	 * Peak memory is read as soon as n8n reports the end, before the run's data is fetched.
	 */
	async execute(workflow, nodeName, { timeoutMs = 15 * 60_000, settle = false } = {}) {
		await sleep(300); // let the previous run's sockets and timers settle
		if (settle) {
			const { waitedMs } = await settleSockets(SOCKETS_SETTLED);
			this.log(`    ${Math.round(waitedMs / 1000)} s for closed connections to leave TIME_WAIT`);
		}
		await this.collectGarbage();
		await sleep(200);
		const before = memoryOf(this.pid);
		const [load1] = loadavg();
		// Resets the kernel's high-water mark of the resident memory to its current size.
		writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
		const profile = await this.startProfile();
		const started = performance.now();
		const { executionId } = await this.instance.rest('POST', `/rest/workflows/${workflow.id}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: TRIGGER },
		});
		const filter = encodeURIComponent(JSON.stringify({ id: String(executionId) }));
		let summary;
		for (;;) {
			const list = await this.instance.rest('GET', `/rest/executions?filter=${filter}`);
			summary = list.results?.find((entry) => String(entry.id) === String(executionId));
			if (summary && FINISHED.has(summary.status)) break;
			if (performance.now() - started > timeoutMs) {
				throw new Error(`Execution ${executionId} did not finish in ${timeoutMs / 1000} s`);
			}
			await sleep(100);
		}
		const { peakKb } = memoryOf(this.pid);
		await profile?.stop(nodeName);

		const execution = await this.instance.rest('GET', `/rest/executions/${executionId}`);
		const data =
			typeof execution.data === 'string' ? this.flatted.parse(execution.data) : execution.data;
		const nodeRun = data?.resultData?.runData?.[nodeName]?.at(-1);
		const error = nodeRun?.error ?? data?.resultData?.error;
		return {
			status: summary.status,
			executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
			nodeMs: nodeRun?.executionTime,
			error: error ? String(error.message ?? error.description ?? 'failed') : undefined,
			rssBeforeKb: before.rssKb,
			peakKb,
			load1,
		};
	}

	ourNode({ providerId, credentials }, kind = 'create') {
		const { name, credentialType } = providers[providerId];
		return {
			name,
			type: `${packageName}.${providerId}`,
			typeVersion: 1,
			parameters: { ...providers[providerId][kind].parameters, options: {} },
			credentials: { [credentialType]: { id: credentials.ours, name: credentials.ours } },
		};
	}

	/** The HTTP Request node (4.2) making the same request with a JSON body. */
	httpNode({ providerId, fake, credentials }, { options, node, kind = 'create' } = {}) {
		const { url, auth, headers, [kind]: request } = providers[providerId];
		const [method, path, body] = request.http;
		const address = `${url(fake)}${path}`;
		const header = Object.entries(headers?.(fake) ?? {}).map(([name, value]) => ({ name, value }));
		return {
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method,
				// An expression where the URL reads the item.
				url: address.includes('{{') ? `=${address}` : address,
				...(auth && { authentication: 'genericCredentialType', genericAuthType: auth }),
				...(header.length && { sendHeaders: true, headerParameters: { parameters: header } }),
				sendBody: true,
				contentType: 'json',
				specifyBody: 'json',
				jsonBody: `={{ JSON.stringify(${body}) }}`,
				options: { ...options },
			},
			...(auth && { credentials: { [auth]: { id: credentials.http, name: credentials.http } } }),
			...node,
		};
	}

	/** The saved workflow running `node` on `count` leads: saved once, run as often as needed. */
	async workflow(count, node) {
		const key = JSON.stringify([count, node]);
		if (!this.saved.has(key)) {
			const id = `benchWorkflow${String(this.saved.size + 1).padStart(4, '0')}`;
			const workflow = leadsWorkflow({
				id,
				name: `Benchmark: ${node.name}, ${count}`,
				count,
				node,
			});
			await this.instance.rest('POST', '/rest/workflows', workflow);
			this.saved.set(key, workflow);
		}
		return this.saved.get(key);
	}

	/**
	 * Our node paces by the limit its provider documents, per credential and n8n process: where
	 * the benchmark would spend more than that budget (Chatwoot: 3,000 requests a minute), each of
	 * our node's runs gets a credential of its own, so that every run starts with the whole budget,
	 * as one run a minute would. The HTTP Request node keeps no budget.
	 */
	withBudget(workflow, { providerId, credentials: { fresh } }) {
		const type = providers[providerId].credentialType;
		const ours = workflow.nodes.find((node) => node.credentials?.[type]);
		if (!fresh || !ours) return workflow;
		const id = fresh[(this.used = (this.used + 1) % fresh.length)];
		const node = { ...ours, credentials: { [type]: { id, name: id } } };
		return { ...workflow, nodes: workflow.nodes.map((entry) => (entry === ours ? node : entry)) };
	}

	/**
	 * One run on a fresh fake: reset, seeded for `count` items, 50 ms latency. Returns n8n's
	 * figures and what the fake saw: objects created per item, duplicates, requests, 429s.
	 */
	async run(target, { label, count, node, prepare, kind = 'create' }) {
		const { fake } = target;
		const request = providers[target.providerId][kind];
		const workflow = await this.workflow(count, node);
		fake.reset();
		request.seed?.(fake, count);
		fake.latencyMs = LATENCY_MS;
		target.setup?.(fake);
		prepare?.(fake);
		// Around a run of thousands of requests, each starts once the other's connections are gone.
		const settle = Math.max(count, this.previousCount ?? 0) >= MANY_REQUESTS;
		this.previousCount = count;
		const result = await this.execute(this.withBudget(workflow, target), node.name, { settle });
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

	/**
	 * `variants` (each a label and a node) on one target, `repeat` rounds, the order
	 * reversed every other round; `measure(run)` adds figures to a run. Medians per variant.
	 */
	async rounds(target, variants, { repeat, count, kind, prepare, measure }) {
		const runs = variants.map(() => []);
		for (let round = 0; round < repeat; round++) {
			const order = variants.map((_, index) => index);
			if (round % 2) order.reverse();
			for (const index of order) {
				const run = await this.run(target, { ...variants[index], count, kind, prepare });
				measure?.(run);
				runs[index].push(run);
			}
		}
		return runs.map(summarize);
	}

	/** Our node and the HTTP Request node per provider, alternating which goes first. */
	async pairs(targets, ids, { count, repeat, kind }) {
		const results = [];
		for (const providerId of ids) {
			const target = targets[providerId];
			const name = providers[providerId].name;
			this.log(`  ${name}, ${count} item${count > 1 ? 's' : ''} × ${repeat}`);
			const [ours, http] = await this.rounds(
				target,
				[
					{ label: `${name} node`, node: this.ourNode(target, kind) },
					{ label: 'HTTP Request node', node: this.httpNode(target, { kind }) },
				],
				{ repeat, count, kind },
			);
			results.push({ providerId, ours, http });
		}
		return results;
	}
}

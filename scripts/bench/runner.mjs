// Saving and running workflows on a started n8n over its REST API, with the run's timings and
// the peak memory of n8n's main process.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { INPUT, leadsCode, TRIGGER } from './providers.mjs';

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Manual Trigger → Code node emitting `count` leads → the node under test. */
export function leadsWorkflow({ id, name, count, node }) {
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
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: {
			[TRIGGER]: { main: [[{ node: INPUT, type: 'main', index: 0 }]] },
			[INPUT]: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		},
	};
}

/** kB values of /proc/<pid>/status (VmRSS, VmHWM). */
function memoryOf(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const read = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
	return { rssKb: read('VmRSS'), peakKb: read('VmHWM') };
}

/** Resets the kernel's high-water mark of the process's resident memory to its current size. */
function resetPeak(pid) {
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class WorkflowRunner {
	/** @param {import('../lib/instance.mjs').N8nInstance} instance a started, logged-in n8n */
	constructor(instance, n8nDir) {
		this.instance = instance;
		this.pid = instance.process.pid;
		// n8n returns execution data in its `flatted` serialisation: read it with n8n's own copy.
		const require = createRequire(join(n8nDir, 'node_modules', 'n8n', 'package.json'));
		this.flatted = require('flatted');
		this.WebSocket = require('ws');
	}

	/**
	 * A full garbage collection in n8n's main process, through its inspector (n8n started with
	 * --inspect=127.0.0.1:0): every run then starts from the same settled heap, whichever ran before.
	 */
	async collectGarbage() {
		const url = /Debugger listening on (ws:\/\/\S+)/.exec(this.instance.log)?.[1];
		if (!url) throw new Error('n8n was not started with --inspect: cannot force a GC');
		const socket = new this.WebSocket(url);
		await new Promise((resolve, reject) => {
			socket.once('open', resolve);
			socket.once('error', reject);
		});
		await new Promise((resolve) => {
			socket.on('message', (message) => {
				if (JSON.parse(String(message)).id === 1) resolve();
			});
			socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
		});
		socket.close();
	}

	async save(workflow) {
		await this.instance.rest('POST', '/rest/workflows', workflow);
		return workflow;
	}

	/**
	 * Runs the workflow as the editor's "Execute workflow" does and waits for it to finish.
	 * Peak memory is read as soon as n8n reports the end, before the run's data is fetched.
	 */
	async run(workflow, nodeName, { timeoutMs = 15 * 60_000 } = {}) {
		await sleep(300); // let the previous run's sockets and timers settle
		await this.collectGarbage();
		await sleep(200);
		const before = memoryOf(this.pid);
		const [load1] = loadavg();
		resetPeak(this.pid);
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
		const wallMs = performance.now() - started;
		const { peakKb } = memoryOf(this.pid);

		const execution = await this.instance.rest('GET', `/rest/executions/${executionId}`);
		const data =
			typeof execution.data === 'string' ? this.flatted.parse(execution.data) : execution.data;
		const nodeRun = data?.resultData?.runData?.[nodeName]?.at(-1);
		const error = nodeRun?.error ?? data?.resultData?.error;
		return {
			executionId,
			status: summary.status,
			wallMs,
			executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
			nodeMs: nodeRun?.executionTime,
			outputItems: nodeRun?.data?.main?.[0]?.length ?? 0,
			error: error ? String(error.message ?? error.description ?? 'failed') : undefined,
			rssBeforeKb: before.rssKb,
			peakKb,
			load1,
		};
	}
}

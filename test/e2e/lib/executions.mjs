// Reading the executions n8n saved, over its REST API.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Executions {
	constructor(instance) {
		this.instance = instance;
		// n8n stores run data with flatted: its own copy reads it.
		const { parse } = createRequire(join(dirname(instance.n8n.bin), '..', 'package.json'))(
			'flatted',
		);
		this.parse = parse;
	}

	/** One execution with its run data read. */
	async get(id) {
		return this.read(await this.instance.rest('GET', `/rest/executions/${id}`));
	}

	read(execution) {
		const { data } = execution;
		return { ...execution, data: typeof data === 'string' ? this.parse(data) : data };
	}

	/**
	 * Runs a saved workflow as the editor's "Execute workflow" does and returns the execution with
	 * its run data: n8n 1.x can report an execution finished a moment before its run data is saved.
	 */
	async run(workflowId, timeoutMs) {
		let execution = await this.instance.runFromEditor(workflowId, timeoutMs);
		for (let attempt = 0; !execution.data && attempt < 20; attempt++) {
			await sleep(250);
			execution = await this.instance.rest('GET', `/rest/executions/${execution.id}`);
		}
		return this.read(execution);
	}

	/** Every execution of a workflow (without run data), newest first. */
	async list(workflowId) {
		// n8n lists at most 100 executions a page: read on from the last one until a page is short.
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const all = new Map();
		for (let lastId; ; ) {
			const range = lastId === undefined ? '' : `&lastId=${lastId}`;
			const page = await this.instance.rest(
				'GET',
				`/rest/executions?filter=${filter}&limit=100${range}`,
			);
			const results = page.results ?? page;
			for (const execution of results) all.set(execution.id, execution);
			if (results.length < 100) break;
			lastId = results[results.length - 1].id;
		}
		await this.fillGaps(workflowId, all);
		return [...all.values()];
	}

	/**
	 * n8n 1.123's pages repeat some executions and skip others past the first 100: the IDs between
	 * the lowest and highest seen that no page named are read one by one.
	 */
	async fillGaps(workflowId, all) {
		const ids = [...all.keys()].map(Number);
		if (ids.length === 0) return;
		const missing = [];
		for (let id = Math.min(...ids); id <= Math.max(...ids); id++) {
			if (!all.has(String(id)) && !all.has(id)) missing.push(id);
		}
		for (const id of missing) {
			const execution = await this.instance.rest('GET', `/rest/executions/${id}`).catch(() => null);
			if (execution && String(execution.workflowId) === String(workflowId)) {
				delete execution.data;
				all.set(execution.id, execution);
			}
		}
	}

	/**
	 * Waits until the workflow has at least `count` executions, all finished, then a little longer:
	 * anything a refused delivery might have started shows up in that time.
	 */
	async settle(workflowId, count, timeoutMs = 180_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const list = await this.list(workflowId);
			const finished = list.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
			if (list.length >= count && finished.length === list.length) break;
			await sleep(300);
		}
		await sleep(1_500);
		return await this.list(workflowId);
	}
}

/** A node's output items (their json) in its last run of an execution read by `Executions`. */
export function outputOf(execution, node) {
	const { resultData } = execution.data;
	const runs = resultData.runData[node];
	assert.ok(runs, `No run of "${node}": ${JSON.stringify(resultData.error ?? {})}`);
	return runs.at(-1).data.main[0].map((item) => item.json);
}

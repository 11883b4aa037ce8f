// The reliability matrix (issue 19) in a real n8n, from the packed package: every node × every
// operation × the faults its provider can produce, bad inputs from expressions, and volume.
// Each cell is one manual execution over n8n's REST API, against the provider fakes on 127.0.0.1;
// every cell is judged (outcome, error title and description, requests, what was created, time,
// secrets in the stored execution) and the run ends by searching n8n's SQLite database itself.
//
//   node test/reliability/run.mjs [--quick] [--only=chatwoot] [--n8n=1] [--no-build] [--keep]
//
// The full run on all providers writes test/reliability/results.md (results-n8n1.md on n8n 1.x);
// --quick or --only write to .cache/reliability/, so a published table is always a full run's.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from '../../scripts/lib/instance.mjs';
import { runE2e } from '../e2e/lib/runner.mjs';
import {
	badInputsFor,
	faultsFor,
	MAX_WAIT_SECONDS,
	PLAIN_TEXT,
	PROVIDERS,
	REQUEST_TIMEOUT_MS,
	volumesFor,
} from './cells.mjs';
import { writeResults } from './results.mjs';
import { judgeVolume, volumeItems, scriptVolumeFaults } from './volume.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const NODE = 'Node under test';
const TRIGGER = 'When clicking Execute';
/** A single-item cell may take its Max Wait, then a request timeout per try (one retry at most). */
const CELL_BOUND_MS = MAX_WAIT_SECONDS * 1000 + 2 * REQUEST_TIMEOUT_MS + 15_000;
const VOLUME_BOUND_MS = 300_000;

await runE2e({
	title: 'Reliability matrix',
	heading: 'every node × operation × fault, bad input and volume',
	folder: 'reliability',
	options: {
		n8n: { type: 'string', default: '2' },
		quick: { type: 'boolean', default: false },
		only: { type: 'string', default: '' },
	},
	async line(context) {
		const { args, label, line, instance, report, userFolder } = context;
		const keys = selectedProviders(args.only);
		const lanes = [];
		const credentials = [];
		const workflows = [];
		for (const key of keys) {
			const provider = PROVIDERS[key];
			const fake = await context.startFake(provider.fakeFile);
			const seeded = await provider.seed(fake);
			const refusedUrl = `http://127.0.0.1:${await freePort()}`;
			const good = { id: `reliability${key}1`, ...provider.credential(fake, `${key} (matrix)`) };
			const refused = {
				id: `reliability${key}2`,
				...provider.credential(fake, `${key} (refused)`, refusedUrl),
			};
			// One for each operation's "429 beyond Max Wait" cell (see cells.mjs).
			const limited = provider.ops.map((op, index) => ({
				id: `reliability${key}Limited${index}`,
				...provider.credential(fake, `${key} (rate limited ${index})`),
			}));
			credentials.push(good, refused, ...limited);
			const workflowId = `reliability${key}Workflow`;
			workflows.push(workflowOf(workflowId, provider, provider.ops[0], [], good));
			lanes.push({ key, provider, fake, seeded, good, refused, limited, workflowId });
		}
		await context.setUp({ credentials, workflows });

		const rows = [];
		const started = Date.now();
		// One lane per provider, side by side: each lane scripts only its own fake.
		await Promise.all(
			lanes.map(async (lane) => {
				for (const cell of cellsOf(lane, args.quick)) {
					const name = `${label} ${lane.provider.title} › ${cell.op.name} › ${cell.name}`;
					await report.check(name, async () => {
						const row = await runCell(context, lane, cell).catch((error) =>
							failedRow(lane, cell, error),
						);
						rows.push(row);
						if (row.problems.length) {
							// The problems are the message: a stack would only bury them.
							const failure = new Error(row.problems.join('; '));
							failure.stack = failure.message;
							throw failure;
						}
					});
				}
			}),
		);

		// What n8n stored, searched as bytes: the database and its write-ahead log, and n8n's log.
		const secrets = lanes.flatMap((lane) => lane.provider.secrets(lane.fake));
		const stored = storedSecrets(userFolder, instance.log ?? '', secrets);
		await report.check(`${label} no credential secret in n8n's database or log`, () => {
			if (stored.length) throw new Error(`found: ${stored.join(', ')}`);
		});

		const file =
			!args.quick && keys.length === Object.keys(PROVIDERS).length
				? join(here, line === '2' ? 'results.md' : `results-n8n${line}.md`)
				: join(repoRoot, '.cache', 'reliability', `results-${args.quick ? 'quick' : 'only'}.md`);
		mkdirSync(dirname(file), { recursive: true });
		const summary = writeResults(file, {
			rows,
			order: keys.map((key) => PROVIDERS[key].title),
			n8nVersion: context.n8n.version,
			seconds: Math.round((Date.now() - started) / 1000),
			storedSecrets: stored.length,
			quick: args.quick,
		});
		console.log(`  ${summary}\n  written to ${file}`);
	},
});

function selectedProviders(only) {
	const keys = Object.keys(PROVIDERS);
	if (!only) return keys;
	const wanted = only.split(',').map((name) => name.trim().toLowerCase());
	const unknown = wanted.filter((name) => !keys.includes(name));
	if (unknown.length) throw new Error(`--only: no provider ${unknown.join(', ')} (${keys})`);
	return wanted;
}

/** Every cell of a lane; --quick: every fault once per node (on its first operation it fits),
 * one bad input and the volume runs of its first operation. */
function cellsOf(lane, quick) {
	const { provider } = lane;
	const cells = [];
	const seenFaults = new Set();
	provider.ops.forEach((op, opIndex) => {
		for (const fault of faultsFor(provider, op)) {
			if (quick && seenFaults.has(fault.name)) continue;
			seenFaults.add(fault.name);
			cells.push({ kind: 'fault', op, fault, name: fault.name });
		}
		const bad = badInputsFor(op);
		for (const input of quick ? bad.slice(-1) : bad) {
			cells.push({ kind: 'input', op, input, name: input.name });
		}
		if (!quick || opIndex === 0) {
			for (const volume of volumesFor()) {
				if (quick && volume.count > 1 && volume.retryOnFail) continue;
				cells.push({ kind: 'volume', op, volume, name: volume.name });
			}
		}
	});
	return cells;
}

function workflowOf(id, provider, op, items, credential, settings = {}) {
	return {
		id,
		name: `Reliability: ${provider.title}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'node',
				name: NODE,
				type: `n8n-nodes-chat-providers.${provider.node}`,
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					...op.parameters,
					options: { ...(op.parameters.options ?? {}), maxWaitSeconds: MAX_WAIT_SECONDS },
				},
				credentials: { [provider.credentialType]: { id: credential.id, name: credential.name } },
				...settings,
			},
		],
		connections: { [TRIGGER]: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		pinData: { [TRIGGER]: items.map((json) => ({ json })) },
	};
}

/** Runs the workflow data as the editor's Execute Workflow does, and reads the stored execution. */
async function execute(context, workflowId, workflowData, boundMs) {
	const { instance, executions } = context;
	const { executionId } = await instance.rest('POST', `/rest/workflows/${workflowId}/run`, {
		workflowData,
		triggerToStartFrom: { name: TRIGGER },
	});
	const deadline = Date.now() + boundMs + 30_000;
	let finishedAt;
	for (;;) {
		const execution = await instance.rest('GET', `/rest/executions/${executionId}`);
		const done = execution.finished || ['success', 'error', 'crashed'].includes(execution.status);
		if (done && execution.data) {
			const read = executions.read(execution);
			// n8n 1.x can call an execution finished a moment before the node's run data is saved.
			finishedAt ??= Date.now();
			const saved = read.data?.resultData?.runData?.[NODE] !== undefined;
			if (saved || Date.now() - finishedAt > 2_000) return { execution: read, hung: false };
		}
		if (Date.now() > deadline) {
			await instance.rest('POST', `/rest/executions/${executionId}/stop`).catch(() => {});
			return { execution: undefined, hung: true };
		}
		await new Promise((resolve) => setTimeout(resolve, 150));
	}
}

/** The node's outcome in a stored execution. */
export function outcomeOf(execution) {
	const runs = execution?.data?.resultData?.runData?.[NODE];
	if (!runs) return { outcome: 'not run', items: [] };
	const run = runs.at(-1);
	if (run.error) {
		return {
			outcome: 'node error',
			title: String(run.error.message ?? ''),
			description: String(run.error.description ?? ''),
			items: [],
			tries: runs.length,
		};
	}
	const items = run.data?.main?.[0] ?? [];
	const failed = items.find((item) => item.json?.error !== undefined);
	return {
		outcome: failed ? 'error item' : 'output',
		title: failed ? String(failed.json.error) : undefined,
		description: failed ? String(failed.json.description ?? '') : undefined,
		items,
		tries: runs.length,
	};
}

/** A title that shows what the provider sent instead of saying what happened. */
export function rawBodyInTitle(title) {
	if (!title) return false;
	return /[<{]/.test(title) || title.includes(PLAIN_TEXT) || title.length > 300;
}

function secretsIn(value, secrets) {
	const text = JSON.stringify(value ?? '');
	return secrets.filter((secret) => secret && secret.length >= 4 && text.includes(secret));
}

function storedSecrets(userFolder, log, secrets) {
	const files = ['database.sqlite', 'database.sqlite-wal', 'database.sqlite-journal']
		.map((name) => join(userFolder, '.n8n', name))
		.filter((file) => existsSync(file));
	if (!files.length) throw new Error(`No n8n database in ${userFolder}/.n8n`);
	const found = new Set();
	for (const text of [...files.map((file) => readFileSync(file).toString('latin1')), log]) {
		for (const secret of secrets)
			if (secret.length >= 4 && text.includes(secret)) found.add(secret);
	}
	return [...found].map((secret) => `${secret.slice(0, 6)}…`);
}

async function runCell(context, lane, cell) {
	const { provider, fake, seeded } = lane;
	const { op } = cell;
	fake.clearScripts();
	const prefix = `c${Math.random().toString(36).slice(2, 8)}`;
	const since = op.mark?.(fake) ?? {};
	const before = fake.requests.length;
	let items;
	let settings = {};
	let credential = lane.good;
	let boundMs = CELL_BOUND_MS;
	if (cell.kind === 'fault') {
		const { fault } = cell;
		items = [op.item(`${prefix}-0`, seeded)];
		if (fault.refused) credential = lane.refused;
		if (fault.ownCredential) credential = lane.limited[provider.ops.indexOf(op)];
		const script = typeof fault.script === 'function' ? fault.script() : (fault.script ?? []);
		if (script.length) fake.script(op.method, op.path, ...structuredClone(script));
		if (fault.token) fake.script('POST', '/oauth2/token', ...structuredClone(fault.token));
	} else if (cell.kind === 'input') {
		const { input } = cell;
		items = [{ ...op.item(`${prefix}-0`, seeded), [input.key ?? op.bad.key]: input.value }];
	} else {
		const { volume } = cell;
		items = volumeItems(op, volume, prefix, seeded);
		scriptVolumeFaults(fake, op, provider, volume, prefix);
		settings = {
			...(volume.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			...(volume.retryOnFail ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } : {}),
		};
		boundMs = VOLUME_BOUND_MS;
	}

	const workflowData = workflowOf(lane.workflowId, provider, op, items, credential, settings);
	const startedAt = Date.now();
	const { execution, hung } = await execute(context, lane.workflowId, workflowData, boundMs);
	const ms = Date.now() - startedAt;
	const requests = fake.requests.slice(before);
	const sent = requests.filter((r) => r.method === op.method && op.path.test(r.path)).length;
	const created = op.created ? op.created(fake, since, `${prefix}-`) : undefined;
	// Markers name the item that created each thing; Fanvue's chats are keyed by the fan instead,
	// so there more chats than items is what counts.
	const duplicates = !created
		? 0
		: op.mark
			? Math.max(0, created.length - items.length)
			: created.length - new Set(created).size;
	const result = outcomeOf(execution);
	const secrets = secretsIn(execution?.data, provider.secrets(fake));
	const row = {
		node: provider.title,
		operation: op.name,
		cell: cell.name,
		kind: cell.kind,
		outcome: hung ? 'hang' : result.outcome,
		title: result.title,
		description: result.description,
		requests: requests.length,
		sent,
		created: created?.length,
		duplicates,
		ms,
		hang: hung || ms > boundMs,
		secrets: secrets.length,
		rawTitle: rawBodyInTitle(result.title),
		problems: [],
	};
	if (row.hang) row.problems.push(`took ${Math.round(ms / 1000)} s (bound ${boundMs / 1000} s)`);
	if (row.secrets) row.problems.push(`${row.secrets} secret(s) in the stored execution`);
	if (row.rawTitle) row.problems.push(`raw body in the title: ${result.title.slice(0, 80)}`);
	if (row.duplicates) row.problems.push(`${row.duplicates} created twice`);
	if (!hung) {
		if (cell.kind === 'fault') judgeFault(row, cell.fault, provider, result, created);
		else if (cell.kind === 'input') judgeInput(row, cell.input, op, result);
		else judgeVolume(row, cell.volume, op, result, items, created);
	}
	row.unexpected = row.problems.length > 0;
	return row;
}

/** A cell the runner itself could not run (n8n's API refused it, say): an unexpected outcome. */
function failedRow(lane, cell, error) {
	return {
		node: lane.provider.title,
		operation: cell.op.name,
		cell: cell.name,
		kind: cell.kind,
		outcome: 'not run',
		requests: 0,
		sent: 0,
		duplicates: 0,
		ms: 0,
		secrets: 0,
		problems: [`the runner failed: ${error.message.slice(0, 300)}`],
		unexpected: true,
	};
}

function judgeFault(row, fault, provider, result, created) {
	const { problems } = row;
	if (fault.expect === 'output') {
		if (result.outcome !== 'output') {
			problems.push(`expected an output item, got ${result.outcome}: ${result.title ?? ''}`);
		}
	} else if (result.outcome !== 'node error') {
		problems.push(`expected a node error, got ${result.outcome}`);
	} else {
		const title = result.title ?? '';
		const description = result.description ?? '';
		if (fault.title ? !fault.title.test(title) : !title.startsWith(`${provider.title}: `)) {
			problems.push(`title "${title.slice(0, 100)}"`);
		}
		if (!description.trim()) problems.push('no description');
		if (fault.description && !fault.description.test(description)) {
			problems.push(`description lacks ${fault.description}: "${description.slice(0, 160)}"`);
		}
		if (fault.mayHaveActed && !/\bmay\b/i.test(description)) {
			problems.push(`description does not say ${provider.title} may have acted`);
		}
		if (fault.hinted && description.startsWith(`${provider.title} answered with`)) {
			problems.push('no hint: only the status');
		}
	}
	if (fault.requests !== undefined && row.sent !== fault.requests) {
		problems.push(`${row.sent} request(s) sent, expected ${fault.requests}`);
	}
	if (fault.createdExactly !== undefined && created && created.length !== fault.createdExactly) {
		problems.push(`${created.length} created, expected ${fault.createdExactly}`);
	}
	if (
		fault.expect === 'output' &&
		fault.createdExactly === undefined &&
		created &&
		created.length !== 1
	) {
		problems.push(`${created.length} created, expected 1`);
	}
}

/** A bad input is either taken as a value (an output item) or refused, naming the field and the
 * item, before any request. A provider's refusal means the node sent what it should have caught. */
function judgeInput(row, input, op, result) {
	const { problems } = row;
	if (result.outcome === 'output') return;
	if (result.outcome !== 'node error') {
		problems.push(`expected an output or an input error, got ${result.outcome}`);
		return;
	}
	const title = result.title ?? '';
	// A value of the field's form that names nothing the provider has: the provider says so.
	if (input.wellFormed && title.startsWith(`${row.node}: `) && result.description) return;
	if (!title.includes('[item 0]')) problems.push(`error does not name the item: "${title}"`);
	if (!input.key && !title.includes(op.bad.label)) {
		problems.push(`error does not name the field ${op.bad.label}: "${title.slice(0, 120)}"`);
	}
	if (row.sent !== 0) problems.push(`${row.sent} request(s) sent for a bad input: "${title}"`);
}

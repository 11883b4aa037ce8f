// End-to-end tests in real n8n (both lines): `npm run test:e2e [-- --n8n=2 --only=recoup --no-browser --keep]`.
// Builds and packs the package, installs it as n8n's Community Nodes installer does, runs every
// scenario's workflows with `n8n execute` against the provider fakes, checks what n8n lists, runs
// n8n's credential tests, and drives the editor in headless Chromium (every example opened, edited,
// saved and run). Another published Chatwoot package is installed beside ours throughout.
// Ends with "N passed, N failed"; exits 1 on any failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureN8n, lineOf, N8N_LINES } from '../../scripts/lib/n8n.mjs';
import { freePort, N8nInstance } from '../../scripts/lib/instance.mjs';
import {
	build,
	installLikeN8n,
	installPublishedLikeN8n,
	pack,
	packageName,
} from '../../scripts/lib/package.mjs';
import { compileFakes } from '../../fakes/compiled.mjs';
import { checkInEditor } from './lib/browser.mjs';
import { checkCredentialTests } from './lib/credential-tests.mjs';
import { checkBothChatwootPackages, OTHER_CHATWOOT } from './lib/other-chatwoot.mjs';
import { packageTypes } from './lib/package-types.mjs';
import { Report, seconds } from '../../scripts/lib/report.mjs';
import { prepareImports, startFakes, stopFakes } from './lib/setup.mjs';
import { lastJson } from './lib/execute-output.mjs';
import { exampleFiles, loadExample, loadScenarios } from './lib/workflows.mjs';

/** Examples that another end-to-end runner opens and runs. */
const EXAMPLES_RUN_ELSEWHERE = {
	'ai-agent-chat-tools.json': 'test/e2e/agent.mjs',
	'fanvue-trigger-reply.json': 'test/e2e/triggers-fanvue.mjs',
	'chatwoot-trigger-reply.json': 'test/e2e/triggers-chatwoot.mjs',
	'chert-trigger-reply.json': 'test/e2e/triggers-chert.mjs',
};
/** Trigger nodes start from a webhook, not from `n8n execute`: their own runners cover them. */
const NODES_RUN_ELSEWHERE = {
	fanvueTrigger: 'test/e2e/triggers-fanvue.mjs',
	chatwootTrigger: 'test/e2e/triggers-chatwoot.mjs',
	chertTrigger: 'test/e2e/triggers-chert.mjs',
};

const { values: args } = parseArgs({
	options: {
		n8n: { type: 'string', default: Object.keys(N8N_LINES).sort().reverse().join(',') },
		only: { type: 'string', default: '' },
		'no-browser': { type: 'boolean', default: false },
		'no-build': { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
	},
});
const lines = args.n8n.split(',').map(lineOf);
const only = args.only ? args.only.split(',') : [];
const useBrowser = !args['no-browser'];
const report = new Report();
const started = Date.now();

async function main() {
	const scenarios = await loadScenarios(only);
	if (!args['no-build']) {
		console.log('Building the package...');
		await build();
	}
	const tarball = await pack();
	const fakes = await compileFakes();
	const types = packageTypes();
	console.log(`Packed ${tarball}`);

	if (only.length === 0) {
		await report.check('every node in package.json has a scenario in test/e2e/scenarios', () => {
			const missing = types.nodes.filter(
				(node) =>
					!scenarios.some((s) => s.node === node.name) && !(node.name in NODES_RUN_ELSEWHERE),
			);
			if (missing.length) {
				throw new Error(`No scenario for: ${missing.map((node) => node.name).join(', ')}`);
			}
		});
		await report.check('every examples/*.json is the first workflow of a scenario', () => {
			const covered = new Set(scenarios.map((scenario) => scenario.workflows[0].workflow.name));
			const missing = exampleFiles().filter(
				(file) => !covered.has(loadExample(file).name) && !(file in EXAMPLES_RUN_ELSEWHERE),
			);
			if (missing.length) throw new Error(`No scenario opens: ${missing.join(', ')}`);
		});
	}

	for (const line of lines) {
		const lineStarted = Date.now();
		const n8n = await ensureN8n(line);
		console.log(`\nn8n ${n8n.version} (${line}.x)`);
		await runLine(line, n8n, { tarball, fakes, scenarios, types });
		console.log(`  n8n ${n8n.version} done in ${seconds(lineStarted)}`);
	}
}

async function runLine(line, n8n, { tarball, fakes, scenarios, types }) {
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-${line}x-`));
	const instance = new N8nInstance(n8n, {
		userFolder,
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: 'e2e-encryption-key-n8n-nodes-chat-providers',
	});
	const running = await startFakes(scenarios, fakes);
	try {
		const installed = await report.check(
			`[${line}.x] installs the packed tarball as n8n's installer does`,
			() => installLikeN8n(userFolder, tarball),
		);
		if (!installed) return;
		const chatwoot = scenarios.find((scenario) => scenario.id === 'chatwoot');
		const besideOther =
			chatwoot &&
			(await report.check(
				`[${line}.x] installs ${OTHER_CHATWOOT.name}@${OTHER_CHATWOOT.version} from the npm registry beside ours`,
				() => installPublishedLikeN8n(userFolder, OTHER_CHATWOOT.name, OTHER_CHATWOOT.version),
			));

		const { credentials, workflows } = prepareImports(scenarios, running, line);
		const imported = await report.check(
			`[${line}.x] imports credentials and workflows`,
			async () => {
				await instance.importJson('credentials', 'credentials.json', credentials);
				await instance.importJson(
					'workflow',
					'workflows.json',
					workflows.map((w) => w.workflow),
				);
				return true;
			},
		);

		if (imported) {
			for (const run of workflows) {
				await report.check(`[${line}.x] ${run.scenario.id}: ${run.name}`, () =>
					executeWorkflow(instance, run, running),
				);
			}
		}

		const ready = await report.check(
			`[${line}.x] n8n starts with the package installed`,
			async () => {
				await instance.start();
				return true;
			},
		);
		if (!ready) return;
		await instance.ownerLogin();
		await report.check(`[${line}.x] n8n lists every node and credential type, with icons`, () =>
			checkListedTypes(instance, types),
		);
		if (besideOther) {
			await report.check(
				`[${line}.x] n8n lists both Chatwoot packages' nodes and credential types, each with its own fields`,
				() =>
					checkBothChatwootPackages(
						instance,
						chatwoot.credentialTypes[0],
						`${packageName}.${chatwoot.node}`,
					),
			);
		}
		await checkCredentialTests({ instance, line, scenarios, running, report });
		if (imported) {
			for (const run of workflows.filter((candidate) => candidate.example)) {
				await report.check(`[${line}.x] ${run.scenario.id}: the example runs from the editor`, () =>
					runExampleFromEditor(instance, run, running),
				);
			}
		}
		if (useBrowser) {
			const examples = imported ? workflows.filter((run) => run.example) : [];
			await checkInEditor({ instance, line, scenarios, examples, running, report });
		}
	} finally {
		await instance.stop();
		await stopFakes(running);
		if (args.keep) console.log(`  kept ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
	}
}

async function executeWorkflow(instance, run, running) {
	const marks = Object.fromEntries(
		Object.entries(running.byScenario[run.scenario.id]).map(([key, fake]) => [
			key,
			fake.requests.length,
		]),
	);
	const fakesOfScenario = running.byScenario[run.scenario.id];
	const sent = (key) => fakesOfScenario[key].requests.slice(marks[key]);
	const result = await instance.cli(['execute', `--id=${run.workflow.id}`, '--rawOutput']);
	const everything = result.stdout + result.stderr;
	for (const secret of run.secrets) {
		if (everything.includes(secret)) throw new Error('A credential secret appears in the output');
	}
	if (run.error) {
		if (result.code === 0)
			throw new Error(`Expected the workflow to fail, but it succeeded:\n${result.stdout}`);
		if (!everything.includes(run.error)) {
			throw new Error(
				`Expected the error "${run.error}" in n8n's output:\n${everything.slice(-3000)}`,
			);
		}
	} else if (result.code !== 0) {
		throw new Error(`n8n execute exited with ${result.code}:\n${everything.slice(-3000)}`);
	}
	const data = run.error ? undefined : lastJson(result.stdout);
	const output = (nodeName) => {
		const runs =
			data?.resultData?.runData?.[nodeName] ?? data?.data?.resultData?.runData?.[nodeName];
		if (!runs)
			throw new Error(`No output from node "${nodeName}" in:\n${result.stdout.slice(-3000)}`);
		return runs[runs.length - 1].data.main[0].map((item) => item.json);
	};
	await run.check({ output, sent, fakes: fakesOfScenario, instance, stdout: result.stdout });
}

/** "Execute workflow" on a started n8n: the run succeeds and reaches the provider fake. */
async function runExampleFromEditor(instance, run, running) {
	const fakes = Object.values(running.byScenario[run.scenario.id]);
	const before = fakes.reduce((sum, fake) => sum + fake.requests.length, 0);
	const execution = await instance.runFromEditor(run.workflow.id);
	if (execution.status !== 'success') {
		throw new Error(
			`Execution ended "${execution.status}": ${String(execution.data).slice(0, 2000)}`,
		);
	}
	const after = fakes.reduce((sum, fake) => sum + fake.requests.length, 0);
	if (after === before) throw new Error('The provider fake received no request');
}

async function checkListedTypes(instance, types) {
	const nodes = await instance.rest('GET', '/types/nodes.json');
	const credentials = await instance.rest('GET', '/types/credentials.json');
	for (const expected of types.nodes) {
		const listed = nodes.find((node) => node.name === `${packageName}.${expected.name}`);
		if (!listed) throw new Error(`n8n does not list the node ${packageName}.${expected.name}`);
		const tool = nodes.some((node) => node.name === `${packageName}.${expected.name}Tool`);
		if (expected.usableAsTool && !tool) {
			throw new Error(`n8n lists no AI tool for ${expected.name} (usableAsTool)`);
		}
		await checkIcons(instance, listed, `node ${expected.name}`);
	}
	for (const expected of types.credentials) {
		const listed = credentials.find((credential) => credential.name === expected.name);
		if (!listed) throw new Error(`n8n does not list the credential type ${expected.name}`);
		await checkIcons(instance, listed, `credential ${expected.name}`);
	}
}

async function checkIcons(instance, listed, what) {
	const urls =
		typeof listed.iconUrl === 'string' ? [listed.iconUrl] : Object.values(listed.iconUrl ?? {});
	if (urls.length < 2)
		throw new Error(`${what} has no light and dark icon: ${JSON.stringify(listed.iconUrl)}`);
	for (const url of urls) {
		const answer = await fetch(`${instance.url}/${url}`, { headers: { cookie: instance.cookie } });
		const body = await answer.text();
		if (!answer.ok || !body.includes('<svg')) {
			throw new Error(`${what}: icon ${url} answers ${answer.status} ${body.slice(0, 100)}`);
		}
	}
}

try {
	await main();
} catch (error) {
	report.failed += 1;
	console.error(error);
}
console.log(`\nE2E finished in ${seconds(started)}`);
console.log(report.summary());
process.exit(report.failed > 0 || report.passed === 0 ? 1 : 0);

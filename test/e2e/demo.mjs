// `npm run dev [-- --n8n=1 --real --port=5678 --fresh]`: install the dev dependencies if needed,
// build, pack, install into a cached pinned n8n exactly as its Community Nodes installer does, and
// start n8n on http://127.0.0.1:<port> with the provider fakes, demo credentials and the example
// workflows (the end-to-end scenarios' fakes, credentials and examples). --real leaves the demo
// out, for your own provider accounts.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureDependencies } from '../../scripts/lib/dependencies.mjs';
import { N8nInstance, OWNER, portIsFree } from '../../scripts/lib/instance.mjs';
import { cacheRoot, ensureN8n, lineOf } from '../../scripts/lib/n8n.mjs';
import { build, installLikeN8n, pack, packageName } from '../../scripts/lib/package.mjs';
import { compileFakes } from '../../fakes/compiled.mjs';

const { values: args } = parseArgs({
	options: {
		n8n: { type: 'string', default: '2' },
		real: { type: 'boolean', default: false },
		demo: { type: 'boolean', default: true },
		port: { type: 'string', default: '5678' },
		fresh: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false },
	},
});

if (args.help) {
	console.log(`npm run dev -- [options]
  --n8n=2|1     n8n line: 2 = n8n 2.8.4 (default), 1 = n8n 1.123.81
  --real        no demo: connect your own provider accounts (by default the provider fakes,
                demo credentials and the example workflows are set up, no account needed)
  --port=5678   editor port (the task runner broker uses the next one)
  --fresh       start from an empty n8n user folder (drops workflows, credentials, owner)`);
	process.exit(0);
}

const line = lineOf(args.n8n);
const port = Number(args.port);
const demoMode = args.demo && !args.real;
const userFolder = join(cacheRoot, `dev-${line}.x${demoMode ? '' : '-real'}`);

async function main() {
	if (args.fresh) rmSync(userFolder, { recursive: true, force: true });
	ensureDependencies();
	console.log('Building and packing the package...');
	await build();
	const tarball = await pack();
	const n8n = await ensureN8n(line);
	const installed = await installLikeN8n(userFolder, tarball);
	console.log(`Installed ${packageName}@${installed.version} into ${installed.packageDir}`);

	const instance = new N8nInstance(n8n, {
		userFolder,
		port,
		brokerPort: port + 1,
		encryptionKey: 'dev-encryption-key-n8n-nodes-chat-providers',
	});
	const demo = demoMode ? await startDemo(instance) : undefined;

	const stop = async () => {
		await instance.stop();
		if (demo) await demo.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	console.log(`Starting n8n ${n8n.version} (user folder ${userFolder})...`);
	await instance.start({ onLine: (text) => console.log(`[n8n] ${text}`) });
	instance.process.on('close', (code) => {
		console.log(`n8n exited with ${code}`);
		void demo?.stop().then(() => process.exit(code ?? 1));
	});
	if (demo) {
		await instance.ownerLogin();
		console.log(`\nDemo: log in as ${OWNER.email} / ${OWNER.password}`);
		console.log('Open a workflow below and press "Execute workflow":');
		for (const workflow of demo.workflows) {
			console.log(`  ${instance.url}/workflow/${workflow.id}  ${workflow.name}`);
		}
	}
	console.log(
		`\nn8n ${n8n.version} with ${packageName} is running on ${instance.url}  (Ctrl+C stops it)\n`,
	);
}

/** Starts every provider fake and imports its demo credential and example workflow. */
async function startDemo(instance) {
	const { loadScenarios } = await import('./lib/workflows.mjs');
	const { prepareImports, startFakes, stopFakes } = await import('./lib/setup.mjs');
	const scenarios = await loadScenarios();
	const running = await startFakes(scenarios, await compileFakes());
	const examples = scenarios.map((scenario) => ({
		...scenario,
		workflows: scenario.workflows.slice(0, 1),
	}));
	const { credentials, workflows } = prepareImports(examples, running);
	await instance.importJson('credentials', 'demo-credentials.json', credentials);
	await instance.importJson(
		'workflow',
		'demo-workflows.json',
		workflows.map((run) => run.workflow),
	);
	for (const scenario of scenarios) {
		for (const [key, fake] of Object.entries(running.byScenario[scenario.id])) {
			console.log(`Fake ${key} listening on ${fake.baseUrl}`);
		}
	}
	return {
		workflows: workflows.map((run) => run.workflow),
		stop: () => stopFakes(running),
	};
}

try {
	if (!(await portIsFree(port))) throw new Error(`Port ${port} is in use: pass --port=<another>`);
	await main();
} catch (error) {
	console.error(error.message ?? error);
	process.exit(1);
}

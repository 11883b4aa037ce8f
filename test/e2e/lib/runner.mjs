// The skeleton every end-to-end runner beside run.mjs shares: `--n8n=2,1 --no-build --keep`, build
// and pack the package, compile the fakes, then per n8n line a user folder and an n8n instance that
// are always stopped and removed, the Report, and the final "N passed, N failed" line (.ci/run
// adds those lines up). A runner states only its own checks, in `line(context)`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureN8n, lineOf, N8N_LINES } from '../../../scripts/lib/n8n.mjs';
import { freePort, N8nInstance } from '../../../scripts/lib/instance.mjs';
import { build, installLikeN8n, pack } from '../../../scripts/lib/package.mjs';
import { compileFakes } from '../../../fakes/compiled.mjs';
import { Executions } from './executions.mjs';
import { Report, seconds } from '../../../scripts/lib/report.mjs';

/**
 * Runs an end-to-end runner and exits (1 on any failure, or when no check passed).
 * - `title`: the final "<title> finished in …" line; `heading`: what each line's heading adds;
 * - `folder`: the user folder's name (`n8n-<folder>-2x-…`); `options`: more command-line options;
 * - `fakes: false` when the runner needs no provider fake; `showTarball`: print "Packed …";
 * - `before(args)`: first of all (e.g. a missing browser); `prepare({ args, tarball, fakes })`: once,
 *   after packing, and what it returns is in every line's context;
 * - `line(context)`: one n8n line's checks; see `lineContext` for what it gets.
 */
export async function runE2e({
	title,
	heading,
	folder,
	options = {},
	fakes: needsFakes = true,
	showTarball = false,
	before,
	prepare,
	line: checkLine,
}) {
	const { values: args } = parseArgs({
		options: {
			n8n: { type: 'string', default: Object.keys(N8N_LINES).sort().reverse().join(',') },
			'no-build': { type: 'boolean', default: false },
			keep: { type: 'boolean', default: false },
			...options,
		},
	});
	const report = new Report();
	const started = Date.now();
	try {
		await before?.(args);
		if (!args['no-build']) {
			console.log('Building the package...');
			await build();
		}
		const tarball = await pack();
		const fakes = needsFakes ? await compileFakes() : undefined;
		const prepared = (await prepare?.({ args, tarball, fakes })) ?? {};
		if (showTarball) console.log(`Packed ${tarball}`);
		for (const line of args.n8n.split(',').map(lineOf)) {
			const lineStarted = Date.now();
			const n8n = await ensureN8n(line);
			console.log(`\nn8n ${n8n.version} (${line}.x)${heading ? `: ${heading}` : ''}`);
			const shared = { ...prepared, args, report, tarball, fakes };
			await inInstance(line, n8n, folder, shared, checkLine);
			console.log(`  n8n ${n8n.version} done in ${seconds(lineStarted)}`);
		}
	} catch (error) {
		report.failed += 1;
		console.error(error);
	}
	console.log(`\n${title} finished in ${seconds(started)}`);
	console.log(report.summary());
	process.exit(report.failed > 0 || report.passed === 0 ? 1 : 0);
}

/** One line's checks in a fresh user folder; n8n, the fakes and the folder are always cleaned up. */
async function inInstance(line, n8n, folder, shared, checkLine) {
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-${folder}-${line}x-`));
	const instance = new N8nInstance(n8n, {
		userFolder,
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: 'e2e-encryption-key-n8n-nodes-chat-providers',
	});
	const cleanups = [];
	try {
		await checkLine(lineContext({ ...shared, line, n8n, instance, userFolder, cleanups }));
	} finally {
		// Last registered, first undone (a browser closes before its profile folder goes).
		const steps = [...cleanups.reverse(), () => instance.stop()];
		let failure;
		for (const step of steps) {
			try {
				await step();
			} catch (error) {
				failure ??= error;
			}
		}
		if (shared.args.keep) console.log(`  kept ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
		if (failure) throw failure;
	}
}

/**
 * What a runner's `line` gets: `line` ('2' or '1'), `label` ('[2.x]'), `n8n`, `instance` (not
 * started), `userFolder`, `executions` (see executions.mjs), `args`, `report`, `tarball`, `fakes`,
 * what `prepare` returned, and the steps most runners take.
 */
function lineContext({ cleanups, ...context }) {
	const { instance, line, fakes } = context;
	const self = {
		...context,
		label: `[${line}.x]`,
		executions: new Executions(instance),
		/** Runs `fn` when the line ends, before n8n stops. */
		cleanup(fn) {
			cleanups.push(fn);
		},
		/** Starts fakes/<file>.ts's `<File>Fake` (e.g. 'fanvue': FanvueFake), stopped at the end. */
		async startFake(file, options) {
			const className = `${file[0].toUpperCase()}${file.slice(1)}Fake`;
			const fake = await new (fakes.load(file)[className])(options).start();
			self.cleanup(() => fake.stop());
			return fake;
		},
		/** Installs the packed package into the user folder as n8n's Community Nodes installer does. */
		install: () => installLikeN8n(context.userFolder, context.tarball),
		/** Starts n8n and logs in as its owner. */
		async start() {
			await instance.start();
			await instance.ownerLogin();
		},
		async restart() {
			await instance.stop();
			await self.start();
		},
		/** n8n 2.x activates a workflow by publishing its current version; 1.x by its active flag. */
		async activate(workflowId) {
			await instance.cliOk(
				line === '2'
					? ['publish:workflow', `--id=${workflowId}`]
					: ['update:workflow', `--id=${workflowId}`, '--active=true'],
			);
		},
		/** Install, import the credentials and workflows, activate some, start n8n and log in. */
		async setUp({ credentials = [], workflows = [], activate = [] }) {
			await self.install();
			await instance.importJson('credentials', 'credentials.json', credentials);
			await instance.importJson('workflow', 'workflows.json', workflows);
			for (const workflowId of activate) await self.activate(workflowId);
			await self.start();
		},
	};
	return self;
}

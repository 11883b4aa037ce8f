// Pinned n8n installs in a cache outside the repository, shared by `npm run dev` and the e2e tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// 2.8.4 is the newest n8n that runs on Node 20; 1.123.81 is the last of the 1.x line.
export const N8N_LINES = {
	2: { version: '2.8.4', overrides: { xlsx: '0.18.5' } },
	// @n8n/expression-runtime asks for isolated-vm 6, which needs Node 22 to compile.
	1: { version: '1.123.81', overrides: { xlsx: '0.18.5', 'isolated-vm': '5.0.4' } },
};

export const cacheRoot =
	process.env.N8N_NODES_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-chat-providers');

const MARKER = '.install-complete.json';

export function lineOf(value) {
	const line = String(value ?? '2')
		.replace(/^v/, '')
		.replace(/\.x$/, '');
	if (!N8N_LINES[line]) {
		throw new Error(`Unknown n8n line "${value}": use one of ${Object.keys(N8N_LINES).join(', ')}`);
	}
	return line;
}

export function run(command, args, options = {}) {
	const { quiet = false, ...spawnOptions } = options;
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
			...spawnOptions,
		});
		let output = '';
		child.stdout?.on('data', (chunk) => (output += chunk));
		child.stderr?.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(output);
			else
				reject(
					new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`),
				);
		});
	});
}

/** Installs the line's pinned n8n once; later calls reuse the finished install. Returns the n8n binary. */
export async function ensureN8n(lineKey, log = console.log) {
	const { version, overrides } = N8N_LINES[lineKey];
	const dir = join(cacheRoot, `n8n-${version}`);
	const wanted = { n8n: version, overrides };
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const markerPath = join(dir, MARKER);
	if (existsSync(markerPath) && existsSync(bin)) {
		const marker = JSON.parse(readFileSync(markerPath, 'utf8'));
		if (JSON.stringify(marker.wanted) === JSON.stringify(wanted)) return { version, dir, bin };
	}
	log(`Installing n8n ${version} into ${dir} (first run only; several minutes)...`);
	const started = Date.now();
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify(
			{ name: `n8n-${version}-install`, private: true, dependencies: { n8n: version }, overrides },
			null,
			2,
		),
	);
	await run(
		'npm',
		['install', '--no-audit', '--no-fund', '--ignore-scripts=false', '--loglevel=error'],
		{ cwd: dir, quiet: true },
	);
	const seconds = Math.round((Date.now() - started) / 1000);
	writeFileSync(
		markerPath,
		JSON.stringify({ wanted, seconds, at: new Date().toISOString() }, null, 2),
	);
	log(`Installed n8n ${version} in ${seconds} s.`);
	return { version, dir, bin };
}

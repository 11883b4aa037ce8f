// The project's own dev dependencies, installed from the lockfile when they are missing or older
// than it: so that `npm run dev` and `npm test` work on a fresh clone with nothing typed before.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function dependenciesAreCurrent() {
	// npm writes node_modules/.package-lock.json at the end of every install.
	const installed = join(repoRoot, 'node_modules', '.package-lock.json');
	const lockfile = join(repoRoot, 'package-lock.json');
	return existsSync(installed) && statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs;
}

export function ensureDependencies() {
	if (dependenciesAreCurrent()) return;
	console.log('Installing the dev dependencies from package-lock.json (npm ci, about a minute)...');
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: repoRoot,
		stdio: 'inherit',
	});
	if (result.status !== 0) {
		throw new Error(`npm ci failed with exit code ${result.status}`);
	}
}

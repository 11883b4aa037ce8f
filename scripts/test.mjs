// `npm test [-- jest options]`: installs the dev dependencies if needed, then runs jest.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureDependencies } from './lib/dependencies.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies();
const jest = join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], {
	cwd: repoRoot,
	stdio: 'inherit',
});
process.exit(result.status ?? 1);

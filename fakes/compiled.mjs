// The provider fakes compiled to CommonJS, for the scripts that run them outside jest (e2e, queue,
// bench, the dev demo). Tests and scripts both import it; nothing outside test/ imports test/.
import { createRequire } from 'node:module';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { run } from '../scripts/lib/n8n.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Compiles fakes/ into .cache/fakes (no type check: `npm run lint` does that). */
export async function compileFakes() {
	const outDir = join(repoRoot, '.cache', 'fakes');
	rmSync(outDir, { recursive: true, force: true });
	const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
	await run(process.execPath, [tsc, '-p', 'tsconfig.fakes.json'], { cwd: repoRoot, quiet: true });
	const fakesDir = join(outDir, 'fakes');
	const require = createRequire(join(fakesDir, 'index.js'));
	return {
		files: readdirSync(fakesDir).filter((name) => name.endsWith('.js')),
		load: (file) => require(join(fakesDir, `${file}.js`)),
	};
}

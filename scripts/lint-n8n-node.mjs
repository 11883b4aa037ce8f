// Runs `n8n-node lint` from n8n's @n8n/node-cli with the CLI's own default eslint config (the one
// `n8n-node new` writes, n8n Cloud rules included) on a copy of the package's sources. The CLI is
// installed once into a folder outside the repository, not into package.json: its build and
// release commands do not fit this package's gulp build (see README, "Releasing").
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI_VERSION = '0.48.3';
const root = resolve(import.meta.dirname, '..');
const cliDir = join(tmpdir(), `n8n-node-cli-${CLI_VERSION}`);
const cli = join(cliDir, 'node_modules', '.bin', 'n8n-node');

if (!existsSync(join(cliDir, '.install-complete'))) {
	console.log(`Installing @n8n/node-cli ${CLI_VERSION} into ${cliDir} (first run only)...`);
	rmSync(cliDir, { recursive: true, force: true });
	mkdirSync(cliDir, { recursive: true });
	writeFileSync(join(cliDir, 'package.json'), JSON.stringify({ private: true }));
	// Its eslint-plugin-n8n-nodes-base runs `only-allow pnpm` before install: scripts stay off.
	execFileSync(
		'npm',
		[
			'install',
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			'--loglevel=error',
			`@n8n/node-cli@${CLI_VERSION}`,
		],
		{ cwd: cliDir, stdio: 'inherit' },
	);
	writeFileSync(join(cliDir, '.install-complete'), CLI_VERSION);
}

// The copy sits inside the CLI's folder so that `@n8n/node-cli/eslint` and eslint resolve there.
const copy = join(cliDir, 'package');
rmSync(copy, { recursive: true, force: true });
mkdirSync(copy);
for (const entry of ['package.json', 'tsconfig.json', 'credentials', 'nodes', 'icons']) {
	cpSync(join(root, entry), join(copy, entry), { recursive: true });
}
cpSync(
	join(
		cliDir,
		'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
	),
	join(copy, 'eslint.config.mjs'),
);
try {
	execFileSync(cli, ['lint'], { cwd: copy, stdio: 'inherit' });
	console.log(`n8n-node lint (@n8n/node-cli ${CLI_VERSION}, default config): passed`);
} catch {
	console.error(`n8n-node lint (@n8n/node-cli ${CLI_VERSION}, default config): FAILED`);
	process.exitCode = 1;
} finally {
	rmSync(copy, { recursive: true, force: true });
}

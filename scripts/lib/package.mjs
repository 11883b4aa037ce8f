// Build, pack and install this package into an n8n user folder the way n8n's own installer does.
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cacheRoot, run } from './n8n.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
export const packageName = packageJson.name;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export async function build() {
	await run(npm, ['run', 'build', '--silent'], { cwd: repoRoot, quiet: true });
}

/** `npm pack` into .cache/pack; returns the tarball's path. */
export async function pack() {
	const destination = join(repoRoot, '.cache', 'pack');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	const output = await run(
		npm,
		['pack', '--json', '--loglevel=error', '--pack-destination', destination],
		{ cwd: repoRoot, quiet: true },
	);
	const [{ filename }] = JSON.parse(output.slice(output.indexOf('[')));
	return join(destination, filename);
}

/**
 * What n8n's CommunityPackagesService does for Settings → Community Nodes → Install: unpack the
 * tarball into <user folder>/.n8n/nodes/node_modules/<name>, drop dev, peer and optional
 * dependencies, npm install there with n8n's flags, and record the package in nodes/package.json.
 * Works for this package's tarball and for any other community package's.
 */
export async function installLikeN8n(userFolder, tarball) {
	const { name } = JSON.parse(
		await run('tar', ['-xzOf', tarball, 'package/package.json'], { quiet: true }),
	);
	const packageDir = join(nodesDirOf(userFolder), 'node_modules', name);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], { quiet: true });

	const unpackedPath = join(packageDir, 'package.json');
	const unpacked = JSON.parse(readFileSync(unpackedPath, 'utf8'));
	delete unpacked.devDependencies;
	delete unpacked.peerDependencies;
	delete unpacked.optionalDependencies;
	writeFileSync(unpackedPath, JSON.stringify(unpacked, null, 2));
	await run(
		npm,
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: packageDir, quiet: true },
	);

	recordInstalled(userFolder, name, unpacked.version);
	return { packageDir, version: unpacked.version };
}

/**
 * Installs a published community package (`name@version`) from the npm registry beside ours, as
 * n8n's installer does (`npm pack`, then as installLikeN8n). The installed folder is cached
 * outside the repository, so later runs copy it instead of asking the registry again.
 */
export async function installPublishedLikeN8n(userFolder, name, version) {
	const cached = join(cacheRoot, 'community-packages', `${name.replace('/', '+')}@${version}`);
	const packageDir = join(nodesDirOf(userFolder), 'node_modules', name);
	if (!existsSync(join(cached, 'package.json'))) {
		const download = mkdtempSync(join(tmpdir(), 'n8n-community-package-'));
		try {
			const output = await run(npm, ['pack', `${name}@${version}`, '--quiet'], {
				cwd: download,
				quiet: true,
			});
			const tarball = join(download, output.trim().split('\n').pop());
			await installLikeN8n(userFolder, tarball);
		} finally {
			rmSync(download, { recursive: true, force: true });
		}
		// Copied aside first, so an interrupted copy is never taken for a cached install.
		const partial = `${cached}.partial`;
		rmSync(partial, { recursive: true, force: true });
		cpSync(packageDir, partial, { recursive: true });
		rmSync(cached, { recursive: true, force: true });
		renameSync(partial, cached);
		return { packageDir, version, cached: false };
	}
	rmSync(packageDir, { recursive: true, force: true });
	cpSync(cached, packageDir, { recursive: true });
	recordInstalled(userFolder, name, version);
	return { packageDir, version, cached: true };
}

function nodesDirOf(userFolder) {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	return nodesDir;
}

/** nodes/package.json, where n8n records what its installer put in nodes/node_modules. */
function recordInstalled(userFolder, name, version) {
	const manifestPath = join(nodesDirOf(userFolder), 'package.json');
	const manifest = existsSync(manifestPath)
		? JSON.parse(readFileSync(manifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	manifest.dependencies = { ...manifest.dependencies, [name]: version };
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

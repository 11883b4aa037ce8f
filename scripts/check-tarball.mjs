// Checks what `npm pack` would publish: only dist/**, README.md, LICENSE and package.json; every
// node and credential listed in package.json's "n8n" section present; nothing from tests, fakes,
// examples or local settings; any source map's sources inside the tarball. Exits 1 otherwise.
// `node scripts/check-tarball.mjs --list` also prints the file list.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOP_LEVEL_FILES = new Set(['package.json', 'README.md', 'LICENSE']);
// Folder or file names that belong to development, never to the published package.
const FORBIDDEN = [
	[
		/(^|\/)(test|tests|__tests__|fakes|e2e|examples|bench|coverage|scripts)\//,
		'a development folder',
	],
	[/\.(test|spec)\.[cm]?[jt]s$/, 'a test file'],
	[/(^|\/)\.env(\.|$)|\.npmrc$|\.pem$|\.key$/, 'a secrets or local settings file'],
	[/\.tgz$/, 'a tarball'],
	[/(^|\/)\.cache\//, 'a cache'],
];

/** The tarball's file list and metadata, as `npm pack --dry-run --json` reports it. */
export function packDryRun(cwd = root) {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], {
		cwd,
		encoding: 'utf8',
	});
	const [pack] = JSON.parse(output.slice(output.indexOf('[')));
	return {
		filename: pack.filename,
		version: pack.version,
		entryCount: pack.entryCount,
		size: pack.size,
		unpackedSize: pack.unpackedSize,
		files: pack.files.map((file) => file.path).sort(),
	};
}

/** Every problem with the file list, as sentences; an empty list means the tarball is fine. */
export function tarballProblems(files, cwd = root) {
	const problems = [];
	const inTarball = new Set(files);
	for (const file of files) {
		if (!TOP_LEVEL_FILES.has(file) && !file.startsWith('dist/')) {
			problems.push(`${file} is outside dist/ and not one of ${[...TOP_LEVEL_FILES].join(', ')}`);
		}
		for (const [pattern, what] of FORBIDDEN) {
			if (pattern.test(file)) problems.push(`${file} is ${what}`);
		}
		if (file.endsWith('.map')) problems.push(...sourceMapProblems(file, inTarball, cwd));
	}
	for (const name of TOP_LEVEL_FILES) {
		if (!inTarball.has(name)) problems.push(`${name} is missing`);
	}
	const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	if (declared.length === 0) problems.push('package.json declares no n8n nodes or credentials');
	for (const path of declared) {
		if (!inTarball.has(path)) {
			problems.push(`${path} (package.json "n8n") is not in the tarball: run \`npm run build\``);
		}
	}
	return problems;
}

// A map whose sources are not shipped points at files users never get (and leaks the build layout).
function sourceMapProblems(file, inTarball, cwd) {
	const map = JSON.parse(readFileSync(join(cwd, file), 'utf8'));
	const mapDir = dirname(join(cwd, file));
	return (map.sources ?? []).flatMap((source) => {
		const target = relative(cwd, resolve(mapDir, map.sourceRoot ?? '', source))
			.split(sep)
			.join('/');
		if (target.startsWith('../')) return [`${file} points outside the package: ${source}`];
		return inTarball.has(target)
			? []
			: [`${file} points at ${target}, which is not in the tarball`];
	});
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	if (!existsSync(join(root, 'dist'))) {
		console.error('check:tarball: no dist/ folder: run `npm run build` first');
		process.exit(1);
	}
	const pack = packDryRun();
	if (process.argv.includes('--list')) for (const file of pack.files) console.log(file);
	const problems = tarballProblems(pack.files);
	if (problems.length) {
		console.error(`check:tarball: ${pack.filename} FAILED:`);
		for (const problem of problems) console.error(`  - ${problem}`);
		process.exit(1);
	}
	console.log(
		`check:tarball: ${pack.filename} passed (${pack.entryCount} files, ${pack.size} bytes packed)`,
	);
}

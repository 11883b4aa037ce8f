// Cuts a release: `npm run release -- <patch|minor|major|x.y.z> [--dry-run]`.
// Bumps the version in package.json and package-lock.json, moves CHANGELOG.md's Unreleased section
// under the new version with today's date (UTC), builds, checks the tarball, commits, tags
// v<version> and pushes the branch and the tag together; the tag starts .github/workflows/publish.yml,
// which publishes with provenance. --dry-run changes nothing (no build, no files, no git) and needs
// no network: it prints the plan, the new changelog section and the tarball's exact file list.
// `node scripts/release.mjs notes <version>` prints that version's changelog section (release notes).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { packDryRun, tarballProblems } from './check-tarball.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const REPO_URL = 'https://github.com/chat-providers/n8n-nodes-chat-providers';

export function nextVersion(current, bump) {
	const parsed = SEMVER.exec(current);
	if (!parsed) throw new Error(`package.json's version "${current}" is not x.y.z`);
	const [major, minor, patch] = parsed.slice(1, 4).map(Number);
	if (bump === 'major') return `${major + 1}.0.0`;
	if (bump === 'minor') return `${major}.${minor + 1}.0`;
	// A patch bump of a pre-release (1.0.0-rc.1) releases that version itself, as npm version does.
	if (bump === 'patch')
		return parsed[4] ? `${major}.${minor}.${patch}` : `${major}.${minor}.${patch + 1}`;
	if (SEMVER.test(bump)) return bump;
	throw new Error(`Unknown bump "${bump}": use patch, minor, major or a version such as 1.2.3`);
}

// Pre-release order is left to npm: only major.minor.patch are compared.
function isOlder(version, than) {
	const [a, b] = [version, than].map((v) => SEMVER.exec(v).slice(1, 4).map(Number));
	const at = a.findIndex((part, i) => part !== b[i]);
	return at >= 0 && a[at] < b[at];
}

const UNRELEASED = /^## \[Unreleased\][^\n]*\n/m;

/** The changelog with Unreleased moved under `## [version] - date`, and its links updated. */
export function releaseChangelog(text, version, date, previousTag) {
	const heading = UNRELEASED.exec(text);
	if (!heading) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
	const start = heading.index + heading[0].length;
	const nextHeading = text.slice(start).search(/^## \[/m);
	const linksAt = text.slice(start).search(/^\[[^\]]+\]: /m);
	const ends = [nextHeading, linksAt].filter((at) => at >= 0);
	const end = ends.length ? start + Math.min(...ends) : text.length;
	const notes = text.slice(start, end).trim();
	if (!notes) throw new Error("CHANGELOG.md's Unreleased section is empty: say what changed first");
	if (new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(text)) {
		throw new Error(`CHANGELOG.md already has a section for ${version}`);
	}

	const released = `## [Unreleased]\n\n## [${version}] - ${date}\n\n${notes}\n\n`;
	let out = text.slice(0, heading.index) + released + text.slice(end).replace(/^\n+/, '');
	const tag = `v${version}`;
	const versionLink = previousTag
		? `[${version}]: ${REPO_URL}/compare/${previousTag}...${tag}`
		: `[${version}]: ${REPO_URL}/releases/tag/${tag}`;
	const unreleasedLink = `[Unreleased]: ${REPO_URL}/compare/${tag}...HEAD`;
	out = /^\[Unreleased\]: .*$/m.test(out)
		? out.replace(/^\[Unreleased\]: .*$/m, `${unreleasedLink}\n${versionLink}`)
		: `${out.trimEnd()}\n\n${unreleasedLink}\n${versionLink}\n`;
	return { text: out, notes };
}

/** One version's section of the changelog, without its heading. */
export function releaseNotes(text, version) {
	const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\][^\\n]*\\n`, 'm').exec(
		text,
	);
	if (!heading) throw new Error(`CHANGELOG.md has no section for ${version}`);
	const rest = text.slice(heading.index + heading[0].length);
	const end = rest.search(/^## \[|^\[[^\]]+\]: /m);
	return (end >= 0 ? rest.slice(0, end) : rest).trim();
}

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

function latestVersionTag() {
	const tags = git('tag', '--list', 'v*', '--sort=-v:refname', '--merged', 'HEAD');
	return tags.split('\n').find((tag) => SEMVER.test(tag.slice(1))) ?? null;
}

function writeVersion(path, version) {
	const json = JSON.parse(readFileSync(path, 'utf8'));
	json.version = version;
	if (json.packages?.['']) json.packages[''].version = version;
	writeFileSync(path, `${JSON.stringify(json, null, '\t')}\n`);
}

function main(args) {
	if (args[0] === 'notes') {
		console.log(releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), args[1]));
		return;
	}
	const dryRun = args.includes('--dry-run');
	const positional = args.filter((arg) => !arg.startsWith('--'));
	if (positional.length !== 1) {
		throw new Error('Usage: npm run release -- <patch|minor|major|x.y.z> [--dry-run]');
	}
	const manifestPath = join(root, 'package.json');
	const current = JSON.parse(readFileSync(manifestPath, 'utf8')).version;
	const version = nextVersion(current, positional[0]);
	const tag = `v${version}`;
	const previousTag = latestVersionTag();
	// The first release may ship package.json's version as it stands; later ones must move it on.
	if (version === current && previousTag) throw new Error(`${current} is already released`);
	if (isOlder(version, current)) throw new Error(`${version} is older than ${current}`);
	if (git('tag', '--list', tag)) throw new Error(`Tag ${tag} already exists`);

	const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
	const dirty = git('status', '--porcelain');
	const changelogPath = join(root, 'CHANGELOG.md');
	const date = new Date().toISOString().slice(0, 10);
	const changelog = releaseChangelog(
		readFileSync(changelogPath, 'utf8'),
		version,
		date,
		previousTag,
	);

	console.log(`Release ${current} → ${version} (tag ${tag}) from branch ${branch}`);
	console.log(`Previous release tag: ${previousTag ?? 'none (first release)'}`);
	console.log(`\nCHANGELOG.md: "## [${version}] - ${date}" gets:\n\n${changelog.notes}\n`);

	const pack = packDryRun();
	const problems = existsSync(join(root, 'dist'))
		? tarballProblems(pack.files)
		: ['no dist/ folder: run `npm run build` first'];
	const filename = pack.filename.replace(`-${current}.tgz`, `-${version}.tgz`);
	console.log(`Tarball ${filename} (${pack.files.length} files, from the current dist/):`);
	for (const file of pack.files) console.log(`  ${file}`);

	const steps = [
		'npm run build',
		'npm run check:tarball',
		`set version ${version} in package.json and package-lock.json; write CHANGELOG.md`,
		`git commit -m "Release ${tag}" package.json package-lock.json CHANGELOG.md`,
		`git tag -a ${tag} -m "${tag}"`,
		`git push --atomic origin HEAD:refs/heads/${branch} refs/tags/${tag}`,
	];
	if (dryRun) {
		if (dirty)
			console.log(
				'\nNote: the working tree has uncommitted changes; a real release refuses to start.',
			);
		if (problems.length) {
			console.log('\nThe tarball would fail check:tarball:');
			for (const problem of problems) console.log(`  - ${problem}`);
		}
		console.log(
			`\nDry run: nothing changed. A real run would:\n${steps.map((s) => `  ${s}`).join('\n')}`,
		);
		return;
	}

	if (dirty) throw new Error(`The working tree has uncommitted changes:\n${dirty}`);
	if (branch === 'HEAD') throw new Error('Detached HEAD: check out the branch to release from');
	run('npm', ['run', 'build']);
	run('npm', ['run', 'check:tarball']);
	writeVersion(manifestPath, version);
	writeVersion(join(root, 'package-lock.json'), version);
	writeFileSync(changelogPath, changelog.text);
	run('git', [
		'commit',
		'-m',
		`Release ${tag}`,
		'--',
		'package.json',
		'package-lock.json',
		'CHANGELOG.md',
	]);
	run('git', ['tag', '-a', tag, '-m', tag]);
	run('git', ['push', '--atomic', 'origin', `HEAD:refs/heads/${branch}`, `refs/tags/${tag}`]);
	console.log(`\nPushed ${tag}: the Publish workflow publishes it to npm with provenance.`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	try {
		main(process.argv.slice(2));
	} catch (error) {
		console.error(`release: ${error.message}`);
		process.exit(1);
	}
}

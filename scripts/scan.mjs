// Runs n8n's verification analyser (the one behind `npx @n8n/scan-community-package`) on this
// package's source and on its packed tarball, and fails on any finding: the published CLI only
// scans registry packages and exits 0 even when it finds problems.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
let failed = false;

function report(label, result) {
	if (result.passed) {
		console.log(`scan ${label}: passed${result.message ? ` (${result.message})` : ''}`);
		return;
	}
	failed = true;
	console.error(`scan ${label}: FAILED: ${result.message}`);
	if (result.details) console.error(result.details);
}

try {
	report('source', await analyzePackage(root, SOURCE_FILE_PATTERNS));

	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	const unpacked = join(work, 'package');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', join(work, packed), '-C', unpacked, '--strip-components=1']);
	const tarballResult = await analyzePackage(unpacked, ['**/*.js', 'package.json']);
	if (tarballResult.message === 'No files found to analyze') {
		tarballResult.passed = false;
		tarballResult.message = 'the tarball holds no JavaScript: run `npm run build` first';
	}
	report('packed tarball', tarballResult);
} finally {
	rmSync(work, { recursive: true, force: true });
}

process.exit(failed ? 1 : 0);

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** The package's repository page: package.json's homepage without its #readme. */
export function repositoryUrl(): string {
	const { homepage } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		homepage: string;
	};
	return homepage.replace(/#readme$/, '');
}

/** The anchors GitHub gives README headings: lower case, punctuation dropped, spaces to hyphens. */
export function readmeAnchors(): string[] {
	return readFileSync(join(root, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) =>
			line
				.replace(/^#+ /, '')
				.trim()
				.toLowerCase()
				.replace(/[^\p{L}\p{N} _-]/gu, '')
				.replace(/ /g, '-'),
		);
}

/** A node's codex links (nodes/<Provider>/<Provider>.node.json). */
export function codexLinks(provider: string): { primary: string[]; credential: string[] } {
	const codex = JSON.parse(
		readFileSync(join(root, 'nodes', provider, `${provider}.node.json`), 'utf8'),
	) as { resources: Record<string, Array<{ url: string }>> };
	return {
		primary: codex.resources.primaryDocumentation.map((r) => r.url),
		credential: codex.resources.credentialDocumentation.map((r) => r.url),
	};
}

// Installs the pinned n8n lines into the cache (`node scripts/install-n8n.mjs [2] [1]`).
import { ensureN8n, lineOf, N8N_LINES } from './lib/n8n.mjs';

const lines = process.argv.slice(2).length
	? process.argv.slice(2).map(lineOf)
	: Object.keys(N8N_LINES);
for (const line of lines) {
	const { version, bin } = await ensureN8n(line);
	console.log(`n8n ${version}: ${bin}`);
}

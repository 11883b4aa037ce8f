// `n8n execute --rawOutput` prints log lines, then the run as pretty-printed JSON.
export function lastJson(stdout) {
	const lines = stdout.split('\n');
	for (let i = lines.length - 1; i >= 0; i -= 1) {
		if (!lines[i].startsWith('{')) continue;
		try {
			return JSON.parse(lines.slice(i).join('\n'));
		} catch {
			// A nested line or a log line that starts with "{": keep looking further up.
		}
	}
	throw new Error(`No JSON in n8n's output:\n${stdout.slice(-2000)}`);
}

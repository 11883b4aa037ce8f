// test/reliability/results.md: the summary line, then one table per node with a row per cell.
import { writeFileSync } from 'node:fs';

const cellText = (text, max = 90) => {
	const line = String(text ?? '')
		.replace(/\s+/g, ' ')
		.replace(/\|/g, '\\|')
		.trim();
	return line.length > max ? `${line.slice(0, max)}…` : line;
};

/** The one line the README quotes. */
export function summaryOf(rows, storedSecrets) {
	const sum = (key) => rows.reduce((total, row) => total + Number(row[key] || 0), 0);
	const count = (key) => rows.filter((row) => row[key]).length;
	return [
		`${rows.length} cells run`,
		`${sum('duplicates')} duplicates`,
		`${sum('secrets') + storedSecrets} secrets seen in n8n's stored execution data`,
		`${count('rawTitle')} raw bodies in titles`,
		`${count('hang')} hangs`,
		`${count('unexpected')} unexpected outcomes`,
	].join(', ');
}

/** `order`: the nodes' titles in the order their tables appear (lanes finish in any order). */
export function writeResults(file, { rows, order, n8nVersion, seconds, storedSecrets, quick }) {
	const summary = summaryOf(rows, storedSecrets);
	const lines = [
		'# Reliability matrix results',
		'',
		`Written by \`npm run test:reliability${quick ? ':quick' : ''}\` (test/reliability/run.mjs) in real n8n ${n8nVersion}, from the packed package, against the provider fakes on 127.0.0.1; ${Math.floor(seconds / 60)} min ${seconds % 60} s on this machine.`,
		'',
		`**${summary}.**`,
		'',
		"Outcome: `output` (the item succeeded, after the retries it took), `error item` (Continue On Fail), `node error` (the node stopped), `not run` (no input items). Sent: requests of the operation's own kind the fake received; Created: what the fake stored for the cell's items. \"Secrets\" searches every credential secret (API keys, inbox and signing secrets, every OAuth2 token issued) in each stored execution and, at the end, in n8n's SQLite database file and log as bytes.",
		'',
	];
	const byNode = new Map(order.map((node) => [node, []]));
	for (const row of rows) {
		if (!byNode.has(row.node)) byNode.set(row.node, []);
		byNode.get(row.node).push(row);
	}
	for (const [node, nodeRows] of byNode) {
		if (!nodeRows.length) continue;
		lines.push(`## ${node}`, '', `${summaryOf(nodeRows, 0)}.`, '');
		lines.push(
			'| Operation | Cell | Outcome | Error title | Sent | Created | Time | Verdict |',
			'|---|---|---|---|---:|---:|---:|---|',
		);
		for (const row of nodeRows) {
			const verdict = row.unexpected
				? `**unexpected**: ${cellText(row.problems.join('; '), 160)}`
				: 'as expected';
			lines.push(
				`| ${row.operation} | ${cellText(row.cell)} | ${row.outcome} | ${cellText(row.title)} | ${row.sent} | ${row.created ?? ''} | ${(row.ms / 1000).toFixed(1)} s | ${verdict} |`,
			);
		}
		lines.push('');
	}
	writeFileSync(file, `${lines.join('\n')}\n`);
	return summary;
}

// test/reliability/results.md: the summary line, then one table per node with a row per cell.
import { writeFileSync } from 'node:fs';

import { cellText, table } from '../../scripts/lib/report.mjs';

/** A row per cell: what it did, and whether that is what the cell expects. */
const COLUMNS = [
	['Operation', (row) => row.operation],
	['Cell', (row) => cellText(row.cell, 90)],
	['Outcome', (row) => row.outcome],
	['Error title', (row) => cellText(row.title, 90)],
	['Sent:', (row) => row.sent],
	['Created:', (row) => row.created],
	['Time:', (row) => `${(row.ms / 1000).toFixed(1)} s`],
	[
		'Verdict',
		(row) =>
			row.unexpected ? `**unexpected**: ${cellText(row.problems.join('; '), 160)}` : 'as expected',
	],
];

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
		lines.push(table(COLUMNS, nodeRows));
		lines.push('');
	}
	writeFileSync(file, `${lines.join('\n')}\n`);
	return summary;
}

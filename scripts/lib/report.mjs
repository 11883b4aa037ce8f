// The one report helper of the runners: named checks with ✓/✗ lines and the "N passed, N failed"
// summary (.ci/run adds those lines up), and the markdown tables of bench/ and test/*/results.md.
export class Report {
	passed = 0;
	failed = 0;
	failures = [];

	/** Runs one check; a thrown error fails it. Returns the check's value, or undefined on failure. */
	async check(name, fn) {
		const started = Date.now();
		try {
			const value = await fn();
			this.passed += 1;
			console.log(`  ✓ ${name} (${seconds(started)})`);
			return value;
		} catch (error) {
			this.failed += 1;
			this.failures.push({ name, error });
			console.log(`  ✗ ${name} (${seconds(started)})\n${indent(describe(error))}`);
			return undefined;
		}
	}

	summary() {
		return `${this.passed} passed, ${this.failed} failed`;
	}
}

/** "12.3 s" since a Date.now() reading. */
export function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function describe(error) {
	if (error?.code === 'ERR_ASSERTION' && error.generatedMessage === false) {
		return `${error.message}\nactual: ${JSON.stringify(error.actual)}\nexpected: ${JSON.stringify(error.expected)}`;
	}
	return String(error?.stack ?? error);
}

function indent(text) {
	return text
		.split('\n')
		.slice(0, 40)
		.map((line) => `      ${line}`)
		.join('\n');
}

/** Text fit for one table cell: one line, pipes escaped, cut at `max` characters. */
export function cellText(text, max = Infinity) {
	const line = String(text ?? '')
		.replace(/\s+/g, ' ')
		.replace(/\|/g, '\\|')
		.trim();
	return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * A markdown table. `columns`: headings, or [heading, value(row)] pairs read from each row;
 * a heading ending in ':' is right-aligned (the colon is not shown).
 */
export function table(columns, rows) {
	const cols = columns.map((column) => (Array.isArray(column) ? column : [column, null]));
	const line = (cells) => `| ${cells.join(' | ')} |`;
	return [
		line(cols.map(([heading]) => heading.replace(/:$/, ''))),
		line(cols.map(([heading]) => (heading.endsWith(':') ? '---:' : '---'))),
		...rows.map((row) =>
			line(cols.map(([, read], i) => String((read ? read(row) : row[i]) ?? ''))),
		),
	].join('\n');
}

// A tiny test reporter: named checks, pass/fail lines, and the "N passed, N failed" summary.
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

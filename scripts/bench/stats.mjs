// Small numeric helpers shared by the scenarios and the report.
export function median(values) {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const mb = (kb) => kb / 1024;

export function fixed(value, digits = 1) {
	return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

export function ratio(value, reference) {
	return Number.isFinite(value) && Number.isFinite(reference) && reference !== 0
		? value / reference
		: NaN;
}

/** "1.02× (≥ 1.0×) met" — a figure against its target, marked met or not met. */
export function verdict(value, target, { atLeast = false, unit = '×', digits = 2 } = {}) {
	const met = Number.isFinite(value) && (atLeast ? value >= target : value <= target);
	const bound = `${atLeast ? '≥' : '≤'} ${target}${unit}`;
	return { met, text: `${fixed(value, digits)}${unit} (${bound}) **${met ? 'met' : 'not met'}**` };
}

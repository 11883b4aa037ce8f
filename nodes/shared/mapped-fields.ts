/**
 * A parameter that is exactly one field of the input item, `{{ $json.email }}` as n8n's
 * drag-and-drop mapping writes it, is read from the item itself. n8n's expression engine builds a
 * data proxy and the current time for every expression of every item (0.1–0.2 ms each), most of a
 * fast node's own work per item. Anything else (another node's data, functions, text around the
 * expression, a missing field, an object) is left to n8n, so the value is always the one n8n gives.
 */
const WHOLE_FIELD =
	/^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\['[^'\\]*'\]|\["[^"\\]*"\]|\[\d+\])+)\s*\}\}$/;
const STEP = /\.([A-Za-z_$][\w$]*)|\['([^'\\]*)'\]|\["([^"\\]*)"\]|\[(\d+)\]/g;
// n8n refuses expressions that reach these; leave them to its error.
const GUARDED = new Set(['constructor', '__proto__', 'prototype']);

const own = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

/** The field's value when `raw` maps one field of `json` to a string, number or boolean. */
export function mappedFieldValue(
	raw: unknown,
	json: unknown,
): string | number | boolean | undefined {
	if (typeof raw !== 'string' || !raw.startsWith('={{')) return undefined;
	const path = WHOLE_FIELD.exec(raw)?.[1];
	if (path === undefined) return undefined;
	let value = json;
	for (const step of path.matchAll(STEP)) {
		const key = step[1] ?? step[2] ?? step[3] ?? step[4];
		if (GUARDED.has(key) || typeof value !== 'object' || value === null || !own(value, key)) {
			return undefined;
		}
		value = (value as Record<string, unknown>)[key];
	}
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
		? value
		: undefined;
}

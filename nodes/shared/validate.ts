import { NodeOperationError, type INode } from 'n8n-workflow';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An input problem found before any request was sent: names the field and the item. */
const QUOTED_MAX = 80;

/** A value quoted back in an error stays short: an expression can hand over 100,000 characters. */
function shortenQuoted(problem: string): string {
	return problem.replace(new RegExp(`"([^"]{${QUOTED_MAX + 1},})"`, 'g'), (_, value: string) => {
		const head = [...value].slice(0, QUOTED_MAX - 20).join('');
		return `"${head}…" (${value.length} characters)`;
	});
}

export function invalidInput(
	node: INode,
	itemIndex: number,
	field: string,
	problem: string,
	hint?: string,
): NodeOperationError {
	return new NodeOperationError(node, `${field} ${shortenQuoted(problem)} [item ${itemIndex}]`, {
		itemIndex,
		description: hint,
		level: 'warning',
	});
}

export interface FieldContext {
	node: INode;
	itemIndex: number;
	field: string;
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function quote(value: string): string {
	return value.length > 60 ? `"${value.slice(0, 57)}..."` : `"${value}"`;
}

/** Text from a field or an expression; numbers are accepted as their digits. Returns '' when empty. */
export function readText(value: unknown, at: FieldContext): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw invalidInput(
		at.node,
		at.itemIndex,
		at.field,
		`must be text, but the value is ${describeType(value)}`,
		'If the value comes from an expression, make sure it resolves to a single text value.',
	);
}

/**
 * Text a person wrote (a message, a topic): sent exactly as typed, spaces and line breaks kept.
 * Only whitespace counts as empty. IDs, numbers and URLs go through readText, which trims.
 */
export function readFreeText(value: unknown, at: FieldContext): string {
	return readText(value, at) === '' ? '' : String(value);
}

export function requireText(value: unknown, at: FieldContext, hint?: string): string {
	const text = readText(value, at);
	if (text === '') {
		throw invalidInput(at.node, at.itemIndex, at.field, 'is required', hint);
	}
	return text;
}

export function optionalUuid(value: unknown, at: FieldContext): string | undefined {
	const text = readText(value, at);
	if (text === '') return undefined;
	if (!UUID_PATTERN.test(text)) {
		throw invalidInput(
			at.node,
			at.itemIndex,
			at.field,
			`must be a UUID, but got ${quote(text)}`,
			'A UUID looks like 123e4567-e89b-12d3-a456-426614174000.',
		);
	}
	return text.toLowerCase();
}

export function requireUuid(value: unknown, at: FieldContext): string {
	const uuid = optionalUuid(value, at);
	if (uuid === undefined) {
		throw invalidInput(
			at.node,
			at.itemIndex,
			at.field,
			'is required',
			'A UUID looks like 123e4567-e89b-12d3-a456-426614174000.',
		);
	}
	return uuid;
}

export function requireE164(value: unknown, at: FieldContext): string {
	const given = requireText(value, at);
	const text = given.replace(/[\s().-]/g, '');
	if (!E164_PATTERN.test(text)) {
		throw invalidInput(
			at.node,
			at.itemIndex,
			at.field,
			`must be a phone number in E.164 format, but got ${quote(given)}`,
			'E.164 is a plus sign, the country code and the number, without spaces: +14155551234.',
		);
	}
	return text;
}

export function optionalEmail(value: unknown, at: FieldContext): string | undefined {
	const text = readText(value, at);
	if (text === '') return undefined;
	if (!EMAIL_PATTERN.test(text)) {
		throw invalidInput(
			at.node,
			at.itemIndex,
			at.field,
			`must be an email address, but got ${quote(text)}`,
		);
	}
	return text;
}

export function optionalHttpUrl(value: unknown, at: FieldContext): string | undefined {
	const text = readText(value, at);
	if (text === '') return undefined;
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw invalidInput(
			at.node,
			at.itemIndex,
			at.field,
			`must be a URL starting with http:// or https://, but got ${quote(text)}`,
		);
	}
	return text;
}

export function requireHttpUrl(value: unknown, at: FieldContext): string {
	const url = optionalHttpUrl(value, at);
	if (url === undefined) throw invalidInput(at.node, at.itemIndex, at.field, 'is required');
	return url;
}

/**
 * A list as users give it: a real list from an expression, or text separated by commas,
 * semicolons or new lines. Empty entries are dropped.
 */
export function parseList(value: unknown, at: FieldContext): string[] {
	if (value === undefined || value === null) return [];
	const entries = Array.isArray(value) ? value : [value];
	const result: string[] = [];
	for (const entry of entries) {
		const text = readText(entry, at);
		for (const part of text.split(/[,;\n]/)) {
			const trimmed = part.trim();
			if (trimmed !== '') result.push(trimmed);
		}
	}
	return result;
}

/** A JSON object typed by the user, or an object from an expression. */
export function parseJsonObject(value: unknown, at: FieldContext): Record<string, unknown> {
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw invalidInput(
				at.node,
				at.itemIndex,
				at.field,
				`is not valid JSON (${(error as Error).message})`,
				'Write an object such as {"plan": "pro"}.',
			);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw invalidInput(
			at.node,
			at.itemIndex,
			at.field,
			`must be a JSON object, but the value is ${describeType(parsed)}`,
			'Write an object such as {"plan": "pro"}.',
		);
	}
	return parsed as Record<string, unknown>;
}

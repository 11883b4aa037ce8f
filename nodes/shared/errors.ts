import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

/** What went wrong at the provider, in the provider's own words. */
export interface ProviderFailure {
	provider: string;
	message: string;
	statusCode?: number;
	code?: string | number;
	traceId?: string;
	/** What the user can do about it. */
	hint?: string;
	/** Extra fields from the provider's answer worth showing (e.g. missing_fields, nextVersion). */
	details?: Record<string, unknown>;
}

const REDACTED = '[redacted]';

/** Replaces every secret (of four characters or more) in the text. */
export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (typeof secret === 'string' && secret.length >= 4) {
			result = result.split(secret).join(REDACTED);
		}
	}
	return result;
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [key, redactDeep(entry, secrets)]),
		);
	}
	return value;
}

function describe(failure: ProviderFailure): string {
	const parts: string[] = [];
	if (failure.hint) parts.push(failure.hint);
	const facts: string[] = [];
	if (failure.statusCode !== undefined) facts.push(`HTTP ${failure.statusCode}`);
	if (failure.code !== undefined && failure.code !== '') facts.push(`code ${failure.code}`);
	if (failure.traceId) facts.push(`trace ID ${failure.traceId}`);
	if (facts.length) parts.push(`${failure.provider} answered with ${facts.join(', ')}.`);
	return parts.join(' ');
}

/**
 * The one way a provider's failure becomes an n8n error: its own message, code and trace id,
 * a hint the user can act on, and no secret anywhere. Only plain data goes into the error:
 * never the HTTP client's error, whose config holds the request headers.
 */
export function toNodeApiError(
	node: INode,
	failure: ProviderFailure,
	itemIndex: number,
	secrets: readonly string[],
): NodeApiError {
	const clean = redactDeep(failure, secrets) as ProviderFailure;
	const response: JsonObject = {
		provider: clean.provider,
		message: clean.message,
		...(clean.statusCode !== undefined ? { statusCode: clean.statusCode } : {}),
		...(clean.code !== undefined ? { code: clean.code } : {}),
		...(clean.traceId ? { traceId: clean.traceId } : {}),
		...((clean.details ?? {}) as JsonObject),
	};
	const message = `${clean.provider}: ${clean.message}`;
	const error = new NodeApiError(node, response, {
		message,
		description: describe(clean),
		httpCode: clean.statusCode !== undefined ? String(clean.statusCode) : undefined,
		itemIndex,
	});
	// NodeApiError swaps messages that carry a network code (ECONNREFUSED…) for a generic sentence.
	error.message = message;
	return error;
}

/** The failure behind an error this package raised, for Continue On Fail output items. */
export function failureFields(error: unknown): Record<string, unknown> {
	if (error instanceof NodeApiError) {
		const cause = (error.errorResponse ?? {}) as Record<string, unknown>;
		return {
			error: error.message,
			...(error.description ? { description: error.description } : {}),
			...Object.fromEntries(
				Object.entries(cause).filter(([key]) => key !== 'message' && key !== 'provider'),
			),
		};
	}
	const { message, description } = error as { message?: string; description?: string };
	return {
		error: message ?? String(error),
		...(description ? { description } : {}),
	};
}

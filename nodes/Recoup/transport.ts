import { defineProvider, type Answer, type Failure } from '../shared';

function textOf(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const hints: Record<number, string> = {
	400: 'Recoup refused the request as invalid. Check the fields named in the message.',
	401: 'Recoup did not accept the API key. Check the key in the Recoup credential: it may be mistyped, revoked or expired.',
	403: "The API key cannot reach this account. Leave Account ID empty to create the chat for the key's own account, or use a key whose organization includes that account.",
	404: 'Check the Base URL in the Recoup credential.',
	500: 'Recoup could not handle the request, even after the node retried it. A create is retried with the same Chat ID, so no duplicate chat was created; try again later.',
};

/** Recoup answers errors as {status: "error", error | message, missing_fields?}: read all of them. */
function readRecoupFailure(answer: Answer): Failure {
	const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<
		string,
		unknown
	>;
	const missing = Array.isArray(body.missing_fields) ? (body.missing_fields as string[]) : [];
	let message =
		textOf(body.error) ??
		textOf(body.message) ??
		(typeof answer.body === 'string' ? textOf(answer.body.slice(0, 200)) : undefined) ??
		`HTTP ${answer.statusCode}`;
	if (missing.length) message += ` (missing or invalid: ${missing.join(', ')})`;
	const hint = hints[answer.statusCode] ?? (answer.statusCode >= 500 ? hints[500] : undefined);
	return {
		statusCode: answer.statusCode,
		message,
		hint,
		details: missing.length ? { missingFields: missing } : undefined,
	};
}

export const recoup = defineProvider({
	name: 'Recoup',
	credentialType: 'chatProvidersRecoupApi',
	connect: (credentials) => ({
		baseUrl: String(credentials.baseUrl ?? '').trim(),
		secrets: [String(credentials.apiKey ?? '')],
	}),
	readFailure: readRecoupFailure,
	// A 500 is retried too: every create carries a chat ID, and Recoup upserts on it.
	isTransient: (answer) => answer.statusCode >= 500,
});

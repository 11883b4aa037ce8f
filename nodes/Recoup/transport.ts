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

/** Requests about one existing chat (by its ID) fail for reasons of their own. */
export type RecoupCall = 'existing chat';

const existingChatHints: Record<number, string> = {
	403: "Only the chat's owner can reach it: use an API key of the account that created the chat.",
	404: "Recoup has no chat with this ID. Check the Chat ID (the id in Create's or Get Many's output); the chat may have been deleted.",
	500: 'Recoup could not handle the request, even after the node retried it (safe: sending it again changes nothing more). Try again later.',
};

/** Recoup answers errors as {status: "error", error | message, missing_fields?}: read all of them. */
function readRecoupFailure(answer: Answer, call: RecoupCall | undefined): Failure {
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
	const known = call === 'existing chat' ? { ...hints, ...existingChatHints } : hints;
	const hint = known[answer.statusCode] ?? (answer.statusCode >= 500 ? known[500] : undefined);
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
	// A 500 is retried too, and only ever for requests that cannot act twice: a create carries its
	// chat ID (Recoup upserts on it), an update sets the same topic again, a delete finds it gone.
	isTransient: (answer) => answer.statusCode >= 500,
});

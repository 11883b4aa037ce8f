import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { ProviderFailure } from '../shared/errors';
import type { HttpAnswer, ProviderApi } from '../shared/request';
import { oncePerRun } from '../shared/run-cache';

export const RECOUP_CREDENTIAL = 'chatProvidersRecoupApi';

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
export function readRecoupFailure(answer: HttpAnswer): ProviderFailure {
	const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as IDataObject;
	const missing = Array.isArray(body.missing_fields) ? (body.missing_fields as string[]) : [];
	let message =
		textOf(body.error) ??
		textOf(body.message) ??
		(typeof answer.body === 'string' ? textOf(answer.body.slice(0, 200)) : undefined) ??
		`HTTP ${answer.statusCode}`;
	if (missing.length) message += ` (missing or invalid: ${missing.join(', ')})`;
	const hint = hints[answer.statusCode] ?? (answer.statusCode >= 500 ? hints[500] : undefined);
	return {
		provider: 'Recoup',
		statusCode: answer.statusCode,
		message,
		hint,
		details: missing.length ? { missingFields: missing } : undefined,
	};
}

export const recoupApi: ProviderApi = {
	name: 'Recoup',
	credentialType: RECOUP_CREDENTIAL,
	readFailure: readRecoupFailure,
	// A 500 is retried too: every create carries a chat ID, and Recoup upserts on it.
	isTransient: (answer) => answer.statusCode >= 500,
};

export interface RecoupConnection {
	baseUrl: string;
	secrets: string[];
}

export async function getRecoupConnection(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
): Promise<RecoupConnection> {
	const credentials = await oncePerRun(
		ctx,
		RECOUP_CREDENTIAL,
		async () => await ctx.getCredentials(RECOUP_CREDENTIAL),
	);
	const baseUrl = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	return { baseUrl, secrets: [String(credentials.apiKey ?? '')] };
}

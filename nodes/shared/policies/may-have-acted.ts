import type { ProviderFailure } from '../errors';

/** Set on an error when a request that cannot be repeated safely may still have reached the provider. */
export const MAY_HAVE_ACTED = 'mayHaveReachedProvider';

export function mayHaveReachedProvider(error: unknown): boolean {
	const response = (error as { errorResponse?: Record<string, unknown> })?.errorResponse;
	return response?.[MAY_HAVE_ACTED] === true;
}

/** The connection was refused before anything was sent: whatever the request, nothing happened. */
export function neverReachedProvider(transportCode: string | undefined): boolean {
	return transportCode === 'ECONNREFUSED';
}

/** A timeout or a dropped connection after sending a request that cannot be repeated. */
export function markUnansweredRequest(
	failure: ProviderFailure,
	provider: string,
	idempotent: boolean,
	transportCode: string | undefined,
): ProviderFailure {
	if (idempotent || neverReachedProvider(transportCode)) return failure;
	return {
		...failure,
		hint: `${failure.hint} The request may have reached ${provider}: check there before running the node again.`,
		details: { ...failure.details, [MAY_HAVE_ACTED]: true },
	};
}

/**
 * A server error while creating says nothing about whether the provider acted first; a 503 is an
 * unavailable service that turned the request away. Nor does a 2xx whose body is plain text or
 * JSON cut short (`brokenSuccess`): the provider said it acted, then the answer went wrong.
 */
export function markFailedAnswer(
	failure: ProviderFailure,
	idempotent: boolean,
	statusCode: number,
	brokenSuccess = false,
): ProviderFailure {
	if (idempotent) return failure;
	if (!brokenSuccess && (statusCode < 500 || statusCode === 503)) return failure;
	return { ...failure, details: { ...failure.details, [MAY_HAVE_ACTED]: true } };
}

/** What a cancelled execution tells about a request that may be on its way. */
export function cancelledHint(provider: string, idempotent: boolean): string | undefined {
	return idempotent
		? undefined
		: `A request already on its way may have reached ${provider}: check there before running the node again.`;
}

import type { HttpAnswer, ProviderApi } from '../request';
import { pacerFor, type RequestPacer } from '../pacing';

/** The pacer a provider's requests share per credential; none when the provider has no known limit. */
export function pacerOf(api: ProviderApi, credentialKey: string): RequestPacer | undefined {
	if (!api.publishedRateLimit && !api.readRateLimit) return undefined;
	return pacerFor(
		`${api.name}:${credentialKey}`,
		api.publishedRateLimit,
		api.readRateLimit !== undefined,
	);
}

export type Sent =
	| { answer: HttpAnswer; error?: undefined }
	| { answer?: undefined; error: unknown };

/**
 * Sends once, in a turn of the pacer: waits for the turn (its failures thrown as they are:
 * RateLimitWaitTooLongError, ExecutionCancelledError), then gives it back exactly once, with what
 * the answer's headers said about the limit. A send that threw is returned as `error`.
 */
export async function sendInTurn(
	pacer: RequestPacer | undefined,
	api: ProviderApi,
	turn: { deadline: number; signal?: AbortSignal; onTurn?: () => void },
	send: () => Promise<HttpAnswer>,
): Promise<Sent> {
	if (pacer) await pacer.acquire(turn.deadline, turn.signal);
	turn.onTurn?.();
	const sentAt = Date.now();
	let answer: HttpAnswer | undefined;
	try {
		answer = await send();
		return { answer };
	} catch (error) {
		return { error };
	} finally {
		pacer?.release(answer ? api.readRateLimit?.(answer.headers) : undefined, sentAt);
	}
}

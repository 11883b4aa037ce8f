import type { IExecuteFunctions, IHookFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { redact, type ProviderFailure } from '../errors';
import { waitAtMost, WaitTimeoutError } from '../waits';

type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

interface RefreshState {
	/** Counts successful refreshes: a 401 on a token of an older generation needs no refresh. */
	generation: number;
	refreshing?: Promise<void>;
	/** The last refresh of this generation failed, in this execution: its waiters and every later
	 * request of the execution get the same answer, without another token call. */
	failed?: { generation: number; executionId: string; error: unknown };
}
const refreshStates = new Map<string, RefreshState>();

function refreshStateFor(credentialKey: string): RefreshState {
	let state = refreshStates.get(credentialKey);
	if (!state) {
		state = { generation: 0 };
		refreshStates.set(credentialKey, state);
	}
	return state;
}

/** List searches in the editor have no execution: each one may try a refresh again. */
function executionIdOf(ctx: RequestContext): string | undefined {
	return 'getExecutionId' in ctx ? ctx.getExecutionId() : undefined;
}

/**
 * One request's view of its credential's OAuth2 refresh. One refresh at a time per credential: a
 * request that saw 401 with a token older than the last refresh just retries with the new token, so
 * a single-use refresh token is presented exactly once even when many requests expire together; a
 * failed refresh answers everyone who waited for it, and every later request of that execution.
 * A request refreshes at most once. Waits end at the timeout or on cancellation (then the waits'
 * own errors are thrown; any other error is the refresh's).
 */
export class OAuth2Refresh {
	private readonly state: RefreshState;
	private refreshed = false;

	constructor(
		private readonly ctx: RequestContext,
		private readonly credentialType: string,
		credentialKey: string,
	) {
		this.state = refreshStateFor(credentialKey);
	}

	/** Before sending: waits for a refresh under way; answers the generation the request is sent with. */
	async ready(timeoutMs: number, signal?: AbortSignal): Promise<number> {
		if (this.state.refreshing) {
			await waitAtMost(this.state.refreshing, Date.now() + timeoutMs, signal);
		}
		const earlier = this.earlierFailure(this.state.generation);
		if (earlier !== undefined) throw earlier;
		return this.state.generation;
	}

	/** A 401 is worth one refresh per request. */
	shouldRenew(statusCode: number): boolean {
		return statusCode === 401 && !this.refreshed;
	}

	/** After a 401 on a token of `sentWith`'s generation. */
	async renew(sentWith: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
		this.refreshed = true;
		await waitAtMost(this.refreshOnce(sentWith), Date.now() + timeoutMs, signal);
	}

	private earlierFailure(generation: number): unknown {
		const failed = this.state.failed;
		const executionId = executionIdOf(this.ctx);
		if (!failed || executionId === undefined) return undefined;
		return failed.generation === generation && failed.executionId === executionId
			? failed.error
			: undefined;
	}

	private async refreshOnce(seenGeneration: number): Promise<void> {
		const state = this.state;
		if (state.generation !== seenGeneration) return;
		const earlier = this.earlierFailure(seenGeneration);
		if (earlier !== undefined) throw earlier;
		if (!state.refreshing) {
			const executionId = executionIdOf(this.ctx);
			state.refreshing = this.ctx.helpers.refreshOAuth2Token
				.call(this.ctx, this.credentialType)
				.then(
					() => {
						state.generation += 1;
						state.failed = undefined;
					},
					(error: unknown) => {
						if (executionId !== undefined) {
							state.failed = { generation: seenGeneration, executionId, error };
						}
						return Promise.reject(error);
					},
				)
				.finally(() => {
					state.refreshing = undefined;
				});
		}
		await state.refreshing;
	}
}

/** The item's failure when the connection could not be renewed (the waits' errors aside). */
export function refreshFailure(
	provider: string,
	error: unknown,
	secrets: readonly string[],
): ProviderFailure {
	if (error instanceof WaitTimeoutError) {
		return {
			provider,
			statusCode: 401,
			message: 'Renewing the connection took too long',
			hint: `${provider}'s token endpoint did not answer in time. Try again later; if it keeps happening, reconnect the ${provider} credential.`,
		};
	}
	const said = redact(String((error as Error)?.message ?? ''), secrets).trim();
	return {
		provider,
		statusCode: 401,
		message: 'The connection expired and could not be renewed',
		hint: `Reconnect the ${provider} credential (open it and click "Connect my account").${said ? ` The token endpoint said: ${said}` : ''}`,
	};
}

import type { IExecuteFunctions } from 'n8n-workflow';

import { OAuth2Refresh, refreshFailure } from '../../../nodes/shared/policies/oauth2-refresh';
import { ExecutionCancelledError, WaitTimeoutError } from '../../../nodes/shared/waits';

/** Just what a refresh needs of n8n's context: its execution and the token call. */
function context(executionId: string | undefined, refresh: () => Promise<void>) {
	const calls: string[] = [];
	const ctx = {
		...(executionId === undefined ? {} : { getExecutionId: () => executionId }),
		helpers: {
			refreshOAuth2Token: async (type: string) => {
				calls.push(type);
				await refresh();
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, calls };
}

let credential = 0;
const freshKey = () => `cred-${++credential}`;
const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('OAuth2 refresh: once per credential, however many requests see 401', () => {
	it('20 requests that saw 401 on the same token make one token call, then all send again', async () => {
		const key = freshKey();
		const { ctx, calls } = context('exec-1', async () => await later(20));
		const requests = Array.from({ length: 20 }, () => new OAuth2Refresh(ctx, 'oauth', key));
		const generations = await Promise.all(requests.map((r) => r.ready(1000)));
		expect(new Set(generations)).toEqual(new Set([0]));
		await Promise.all(requests.map((r) => r.renew(0, 1000)));
		expect(calls).toEqual(['oauth']);
		expect(await requests[0].ready(1000)).toBe(1);
	});

	it('a 401 on a token older than the last refresh sends again without a token call', async () => {
		const key = freshKey();
		const { ctx, calls } = context('exec-1', async () => undefined);
		await new OAuth2Refresh(ctx, 'oauth', key).renew(0, 1000);
		await new OAuth2Refresh(ctx, 'oauth', key).renew(0, 1000);
		expect(calls).toHaveLength(1);
	});

	it('a request refreshes at most once', async () => {
		const request = new OAuth2Refresh(context('e', async () => undefined).ctx, 'oauth', freshKey());
		expect(request.shouldRenew(401)).toBe(true);
		expect(request.shouldRenew(403)).toBe(false);
		await request.renew(0, 1000);
		expect(request.shouldRenew(401)).toBe(false);
	});

	it('a request about to send waits for a refresh under way and sends with the new token', async () => {
		const key = freshKey();
		const { ctx } = context('exec-1', async () => await later(50));
		const renewing = new OAuth2Refresh(ctx, 'oauth', key).renew(0, 1000);
		expect(await new OAuth2Refresh(ctx, 'oauth', key).ready(1000)).toBe(1);
		await renewing;
	});

	it('a failed refresh answers its waiters and every later request of the execution, with one call', async () => {
		const key = freshKey();
		const revoked = new Error('invalid_grant');
		const { ctx, calls } = context('exec-1', async () => {
			await later(10);
			throw revoked;
		});
		const waiters = Array.from({ length: 5 }, () => new OAuth2Refresh(ctx, 'oauth', key));
		const outcomes = await Promise.allSettled(waiters.map((r) => r.renew(0, 1000)));
		expect(outcomes.map((o) => (o as PromiseRejectedResult).reason)).toEqual(
			Array(5).fill(revoked),
		);
		await expect(new OAuth2Refresh(ctx, 'oauth', key).ready(1000)).rejects.toBe(revoked);
		expect(calls).toHaveLength(1);
	});

	it('the next execution, and an editor list search, may try once more', async () => {
		const key = freshKey();
		const fails = async () => {
			throw new Error('invalid_grant');
		};
		const first = context('exec-1', fails);
		await expect(new OAuth2Refresh(first.ctx, 'oauth', key).renew(0, 1000)).rejects.toThrow();
		const next = context('exec-2', async () => undefined);
		expect(await new OAuth2Refresh(next.ctx, 'oauth', key).ready(1000)).toBe(0);
		const search = context(undefined, fails);
		await expect(new OAuth2Refresh(search.ctx, 'oauth', key).renew(0, 1000)).rejects.toThrow();
		await expect(new OAuth2Refresh(search.ctx, 'oauth', key).renew(0, 1000)).rejects.toThrow();
		expect(search.calls).toHaveLength(2);
	});

	it('never waits past the timeout, and stops at once on cancellation', async () => {
		const key = freshKey();
		const { ctx } = context('exec-1', async () => await later(500));
		await expect(new OAuth2Refresh(ctx, 'oauth', key).renew(0, 50)).rejects.toBeInstanceOf(
			WaitTimeoutError,
		);
		const controller = new AbortController();
		controller.abort();
		await expect(
			new OAuth2Refresh(ctx, 'oauth', key).ready(1000, controller.signal),
		).rejects.toBeInstanceOf(ExecutionCancelledError);
	});

	it("tells the user to reconnect, with the token endpoint's words and no secret", () => {
		const failure = refreshFailure('P', new Error('invalid_grant for rt_secret'), ['rt_secret']);
		expect(failure.message).toBe('The connection expired and could not be renewed');
		expect(failure.hint).toContain('Reconnect the P credential');
		expect(failure.hint).not.toContain('rt_secret');
		expect(refreshFailure('P', new WaitTimeoutError(0), []).message).toBe(
			'Renewing the connection took too long',
		);
	});
});

import {
	cancelledHint,
	markFailedAnswer,
	markUnansweredRequest,
	MAY_HAVE_ACTED,
	mayHaveReachedProvider,
	neverReachedProvider,
} from '../../../nodes/shared/policies/may-have-acted';

const failure = { provider: 'P', message: 'Could not reach P (ETIMEDOUT)', hint: 'Check the URL.' };

describe('may-have-acted: a request that cannot be repeated is marked when it may have acted', () => {
	it('marks a create that timed out or lost its connection, and says so in the hint', () => {
		for (const code of ['ETIMEDOUT', 'ECONNRESET', undefined]) {
			const marked = markUnansweredRequest(failure, 'P', false, code);
			expect(marked.details?.[MAY_HAVE_ACTED]).toBe(true);
			expect(marked.hint).toBe(
				'Check the URL. The request may have reached P: check there before running the node again.',
			);
		}
	});

	it('never marks a refused connection (nothing was sent) nor an idempotent request', () => {
		expect(neverReachedProvider('ECONNREFUSED')).toBe(true);
		expect(markUnansweredRequest(failure, 'P', false, 'ECONNREFUSED')).toEqual(failure);
		expect(markUnansweredRequest(failure, 'P', true, 'ETIMEDOUT')).toEqual(failure);
	});

	it.each([
		[500, true],
		[502, true],
		[504, true],
		[503, false],
		[422, false],
		[401, false],
	])('a create answered %i is marked: %s', (statusCode, marked) => {
		const answered = markFailedAnswer({ provider: 'P', message: 'x' }, false, statusCode);
		expect(answered.details?.[MAY_HAVE_ACTED] === true).toBe(marked);
		expect(markFailedAnswer({ provider: 'P', message: 'x' }, true, statusCode).details).toBe(
			undefined,
		);
	});

	it('reads the mark from the NodeApiError it ends up on', () => {
		expect(mayHaveReachedProvider({ errorResponse: { [MAY_HAVE_ACTED]: true } })).toBe(true);
		expect(mayHaveReachedProvider({ errorResponse: {} })).toBe(false);
		expect(mayHaveReachedProvider(undefined)).toBe(false);
	});

	it('a cancelled create warns that it may be on its way; a read does not', () => {
		expect(cancelledHint('P', false)).toContain('may have reached P');
		expect(cancelledHint('P', true)).toBeUndefined();
	});
});

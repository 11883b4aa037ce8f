import { sleep } from 'n8n-workflow';

/** Thrown when the execution is cancelled while a request waits. */
export class ExecutionCancelledError extends Error {
	constructor() {
		super('The execution was cancelled');
	}
}

/** Thrown when a wait would go on past its deadline. */
export class WaitTimeoutError extends Error {
	constructor(readonly deadline: number) {
		super('Waited past the deadline');
	}
}

/**
 * Waits for the promise, but never past the deadline (epoch ms) and never after the execution is
 * cancelled: every wait in the request path goes through here, so no execution can hang on a state
 * an earlier one left behind.
 */
export async function waitAtMost<T>(
	promise: Promise<T>,
	deadline: number,
	signal?: AbortSignal,
): Promise<T> {
	if (signal?.aborted) {
		promise.catch(() => undefined);
		throw new ExecutionCancelledError();
	}
	const racers: Array<Promise<T>> = [promise];
	let onAbort: (() => void) | undefined;
	if (signal) {
		racers.push(
			new Promise<never>((_, reject) => {
				onAbort = () => reject(new ExecutionCancelledError());
				signal.addEventListener('abort', onAbort, { once: true });
			}),
		);
	}
	if (Number.isFinite(deadline)) {
		racers.push(
			sleep(Math.max(0, deadline - Date.now())).then(() => {
				throw new WaitTimeoutError(deadline);
			}),
		);
	}
	// The losing racers settle later; nothing listens to them.
	for (const racer of racers) racer.catch(() => undefined);
	try {
		return await Promise.race(racers);
	} finally {
		// One listener per wait on the execution's signal would pile up over a long run, and each
		// new one is checked against all before it.
		if (onAbort) signal!.removeEventListener('abort', onAbort);
	}
}

/** Sleeps for the given time, or less when the execution is cancelled (then throws). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	await waitAtMost(sleep(Math.max(0, ms)), Number.POSITIVE_INFINITY, signal);
}

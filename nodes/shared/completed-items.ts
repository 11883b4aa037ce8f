import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { runScopedHash } from './idempotency';
import { nodeOf } from './run-cache';

/**
 * n8n's Retry On Fail re-runs the whole node in the same execution, so every item is sent again.
 * Items that already succeeded hand back their first output instead: nothing is created twice
 * even where the provider has no idempotency key, or where a retry would upload a file anew.
 * Held in this n8n process's memory, bounded in size and age, and only for nodes with Retry On
 * Fail on: without it, a 10,000-item run would keep 10,000 outputs for hours for nothing.
 */
const KEEP_MS = 6 * 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;

/** Outputs as JSON text: a copy no later node can change, and one string per item for the garbage
 * collector to skip over, where an object graph would be traced on every collection. */
const completed = new Map<string, { at: number; output: string }>();

function forgetOld(now: number): void {
	for (const [key, entry] of completed) {
		if (now - entry.at < KEEP_MS && completed.size <= MAX_ENTRIES) break;
		completed.delete(key);
	}
}

/** Undefined when the node has Retry On Fail off (nothing re-runs it in this execution, so
 * nothing is kept), or the run has no execution id (nothing to tie a re-run to). */
export function completedItemKey(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: string,
): string | undefined {
	if (nodeOf(ctx).retryOnFail !== true || !ctx.getExecutionId()) return undefined;
	const input = ctx.getInputData()[itemIndex]?.json ?? {};
	return runScopedHash(ctx, itemIndex, `completed:${operation}`)
		.update('\u0000')
		.update(JSON.stringify(input))
		.digest('hex');
}

export function recallCompletedItem(key: string): IDataObject | IDataObject[] | undefined {
	const entry = completed.get(key);
	if (!entry || Date.now() - entry.at >= KEEP_MS) return undefined;
	return JSON.parse(entry.output) as IDataObject | IDataObject[];
}

export function rememberCompletedItem(key: string, output: IDataObject | IDataObject[]): void {
	const now = Date.now();
	completed.set(key, { at: now, output: JSON.stringify(output) });
	forgetOld(now);
}

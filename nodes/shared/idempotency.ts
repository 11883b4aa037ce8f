import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A key that is the same every time this node handles this item in this execution —
 * including when n8n's Retry On Fail re-runs the node, and when the execution is retried from
 * the Executions list — and different for another execution, another node, another pass
 * through a loop or another item.
 */
export function stableItemKey(ctx: IExecuteFunctions, itemIndex: number, purpose: string): string {
	return createHash('sha256')
		.update([runPrefix(ctx), String(itemIndex), purpose].join('\u0000'))
		.digest('hex');
}

const runPrefixes = new WeakMap<object, string>();

/** Workflow, execution, node and run index: the same for every item of one node run. */
function runPrefix(ctx: IExecuteFunctions): string {
	let prefix = runPrefixes.get(ctx);
	if (prefix === undefined) {
		const node = ctx.getNode();
		// n8n-core's context carries the run index; building a data proxy per item would cost more.
		const ownRunIndex = (ctx as { runIndex?: unknown }).runIndex;
		let runIndex = typeof ownRunIndex === 'number' ? ownRunIndex : 0;
		if (typeof ownRunIndex !== 'number') {
			try {
				runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex) || 0;
			} catch {
				runIndex = 0;
			}
		}
		prefix = [
			ctx.getWorkflow().id ?? '',
			firstExecutionId(ctx),
			node.id ?? node.name,
			String(runIndex),
		].join('\u0000');
		runPrefixes.set(ctx, prefix);
	}
	return prefix;
}

/** Where the execution's custom data keeps the id of the execution that a retry repeats. */
export const FIRST_EXECUTION_KEY = 'chatProvidersFirstRun';

/**
 * The id of the execution this one retries, or this execution's own id. A retry from the
 * Executions list gets a new execution id, but n8n copies the failed execution's custom data
 * into it, so the first execution's id, recorded there, survives every retry of a retry.
 */
function firstExecutionId(ctx: IExecuteFunctions): string {
	const own = ctx.getExecutionId() ?? '';
	let customData: { get(key: string): unknown; set(key: string, value: string): void } | undefined;
	try {
		customData = ctx.getWorkflowDataProxy(0).$execution?.customData;
	} catch {
		return own;
	}
	const recorded = customData?.get(FIRST_EXECUTION_KEY);
	if (typeof recorded === 'string' && recorded !== '') return recorded;
	try {
		customData?.set(FIRST_EXECUTION_KEY, own);
	} catch {
		// Ten custom data keys already in use: retries of this execution get new keys.
	}
	return own;
}

/** A UUID (version 5 layout) derived from a stable key, for APIs that upsert on a client id. */
export function uuidFromKey(key: string): string {
	const bytes = createHash('sha1').update(key).digest().subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

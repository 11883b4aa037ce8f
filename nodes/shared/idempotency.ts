import { createHash, type Hash } from 'node:crypto';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/**
 * A key that is the same every time this node handles this item in this execution —
 * including when n8n's Retry On Fail re-runs the node, and when the execution is retried from
 * the Executions list — and different for another execution, another node, another pass
 * through a loop or another item.
 */
export function stableItemKey(ctx: IExecuteFunctions, itemIndex: number, purpose: string): string {
	if (retriesCrashedRun(ctx)) throw crashedRunRefusal(ctx, itemIndex);
	return runScopedKey(ctx, itemIndex, purpose);
}

/** stableItemKey for the node's own records: also in a retry of a crashed execution. */
export function runScopedKey(ctx: IExecuteFunctions, itemIndex: number, purpose: string): string {
	return runScopedHash(ctx, itemIndex, purpose).digest('hex');
}

/** runScopedKey's hash before its digest, for keys that also cover more (an item's input). */
export function runScopedHash(ctx: IExecuteFunctions, itemIndex: number, purpose: string): Hash {
	return createHash('sha256').update([runPrefix(ctx), String(itemIndex), purpose].join('\u0000'));
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

interface TaskData {
	data?: { main?: Array<Array<{ json?: Record<string, unknown> } | null> | null> };
}

/** n8n's placeholder output for a node that its crash recovery found in the event log. */
function isRecoveredPlaceholder(task: TaskData | undefined): boolean {
	return task?.data?.main?.[0]?.[0]?.json?.isArtificialRecoveredEventItem === true;
}

const crashedRuns = new WeakMap<object, boolean>();

/**
 * Whether this run retries an execution that n8n (or its worker) was killed in while this node ran
 * or after it finished. n8n then saved none of its custom data, so the node cannot tell what it
 * sent, and the retry starts again from the trigger. Measured in n8n 2.8.4 and 1.123.81: the
 * crashed execution's run data comes from n8n's event log, with placeholder output for the nodes
 * that finished; Retry drops the crashed node's entry. So this node's entry is either empty (it
 * crashed here: any item may have gone out) or placeholders only (it finished: every item went out).
 */
export function retriesCrashedRun(ctx: IExecuteFunctions): boolean {
	let crashed = crashedRuns.get(ctx);
	if (crashed === undefined) {
		crashed = false;
		if (ctx.getMode() === 'retry') {
			// n8n-core's context carries the execution's run data (as it carries the run index).
			const runData = (
				ctx as { runExecutionData?: { resultData?: { runData?: Record<string, TaskData[]> } } }
			).runExecutionData?.resultData?.runData;
			const own = runData?.[ctx.getNode().name];
			if (own && own.length > 0) crashed = own.every(isRecoveredPlaceholder);
			else if (own)
				crashed = Object.values(runData ?? {}).some((runs) => runs.some(isRecoveredPlaceholder));
		}
		crashedRuns.set(ctx, crashed);
	}
	return crashed;
}

/** The item is not sent: the execution being retried may already have sent it. */
export function crashedRunRefusal(ctx: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		'This item may already be sent: the execution this retry repeats stopped while the node was running',
		{
			itemIndex,
			description:
				'n8n was stopped or crashed during that execution and saved nothing of what this node had sent, so a retry cannot tell which items went out, and does not send them again. Check in the provider which items arrived; to send the missing ones, run the workflow again as a new execution with those items.',
		},
	);
}

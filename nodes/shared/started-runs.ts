import { createHash } from 'node:crypto';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { NODE_STORE } from './node-store';

/**
 * n8n 1.x in queue mode starts a job again when the worker running it died (Bull's
 * maxStalledCount 1, `QUEUE_WORKER_MAX_STALLED_COUNT`): the same execution id, the same mode, from
 * the first node, with nothing the first try kept. A node run that sends without an idempotency
 * key leaves one marker in n8n's deduplication store (in the database) when it starts; finding
 * its own marker there, written by another process, tells it that it is that second start.
 */

/** Markers written here: n8n's Retry On Fail runs the node again in this same n8n. */
const startedHere = new Set<string>();
const MAX_REMEMBERED = 10_000;

// The store reads, changes and writes its list without a lock: a marker written at the same moment
// as another node run's can be lost, so it is read back and written again until it is there (in
// the queue test's burst of 20, 6 of 30 were still lost, against 18 without reading back).
// Best effort: n8n offers nodes nothing stronger across processes.
const WRITE_TRIES = 4;

function markerOf(ctx: IExecuteFunctions, purpose: string): string | undefined {
	const executionId = ctx.getExecutionId();
	if (!executionId) return undefined;
	const node = ctx.getNode();
	const runIndex = (ctx as { runIndex?: unknown }).runIndex;
	return createHash('sha256')
		.update(
			[
				'started',
				ctx.getWorkflow().id ?? '',
				executionId,
				node.id ?? node.name,
				typeof runIndex === 'number' ? String(runIndex) : '0',
				purpose,
			].join('\u0000'),
		)
		.digest('hex');
}

export interface NodeRunStart {
	/** The same node run of this execution already started elsewhere (another worker). */
	restarted: boolean;
	/** Resolves once the marker is read back (written again if a concurrent write lost it). */
	confirmed: Promise<void>;
}

const NOT_TRACKED: NodeRunStart = { restarted: false, confirmed: Promise.resolve() };

/**
 * Records that this node run starts. Only the first call to the store decides whether this is a
 * second start, so only it is waited for before sending; reading the marker back runs while the
 * items are sent. A retry from the Executions list is a new execution with its own records, and
 * an n8n without a database (a test harness) has no store: both not restarted.
 */
export async function recordNodeRunStart(
	ctx: IExecuteFunctions,
	purpose: string,
): Promise<NodeRunStart> {
	if (ctx.getMode() === 'retry') return NOT_TRACKED;
	const marker = markerOf(ctx, purpose);
	if (marker === undefined || startedHere.has(marker)) return NOT_TRACKED;
	for (let attempt = 0; attempt < WRITE_TRIES; attempt++) {
		const found = await markerFound(ctx, marker);
		if (found === undefined) continue;
		if (found) return { restarted: true, confirmed: Promise.resolve() };
		remember(marker);
		return { restarted: false, confirmed: confirmMarker(ctx, marker, WRITE_TRIES - attempt - 1) };
	}
	return NOT_TRACKED;
}

/** Whether the store already held the marker (it holds it now); undefined when it could not tell. */
async function markerFound(ctx: IExecuteFunctions, marker: string): Promise<boolean | undefined> {
	try {
		const found = await ctx.helpers.checkProcessedAndRecord([marker], 'node', NODE_STORE);
		return found.processed.map(String).includes(marker);
	} catch {
		// No deduplication store (a test harness), or the node's list was being created by
		// another run at this moment.
		return undefined;
	}
}

async function confirmMarker(ctx: IExecuteFunctions, marker: string, tries: number): Promise<void> {
	for (let attempt = 0; attempt < tries; attempt++) {
		if (await markerFound(ctx, marker)) return;
	}
}

function remember(marker: string): void {
	startedHere.add(marker);
	if (startedHere.size > MAX_REMEMBERED) {
		const oldest = startedHere.values().next().value;
		if (oldest !== undefined) startedHere.delete(oldest);
	}
}

/** The item is not sent: the first start of this execution may already have sent it. */
export function restartedJobRefusal(ctx: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		'This item may already be sent: n8n started this execution again after the worker running it stopped',
		{
			itemIndex,
			description:
				'In queue mode, n8n 1.x starts an execution once more when its worker dies; the first start kept no record of what this node had sent, so nothing is sent again. Check in the provider which items arrived, and run the workflow again as a new execution for the missing ones. To have n8n mark such executions as crashed instead, set QUEUE_WORKER_MAX_STALLED_COUNT=0 on the workers (n8n 2.x does this).',
		},
	);
}

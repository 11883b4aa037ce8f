import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { completedItemKey, recallCompletedItem, rememberCompletedItem } from './completed-items';
import { failureFields } from './errors';
import { ExecutionRecord, type ItemState } from './execution-record';
import { crashedRunRefusal, retriesCrashedRun, runScopedKey } from './idempotency';
import { itemSends, whenItemSends } from './item-starts';
import { mayHaveReachedProvider } from './request';
import { recordNodeRunStart, restartedJobRefusal } from './started-runs';

/** Without Max Parallel Requests: items in flight at most, far above what a provider's limits let
 * through at once, so that a 10,000-item run never holds 10,000 sockets and requests in memory. */
export const AUTOMATIC_PARALLEL_CEILING = 1000;
/** The most items in flight when Max Parallel Requests is not set (read by `npm run bench`). */
export const DEFAULT_PARALLEL_REQUESTS = AUTOMATIC_PARALLEL_CEILING;
export const DEFAULT_MAX_WAIT_SECONDS = 60;

/** Options every node offers, in its Options collection. */
export const runOptions: INodeProperties[] = [
	{
		displayName: 'Max Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1000 },
		default: 0,
		description: `How many items are sent at the same time. 0 (automatic): each item starts as soon as the provider's rate limit allows, up to ${AUTOMATIC_PARALLEL_CEILING} at once. Requests always slow down together when the provider reports its rate limit.`,
	},
	{
		displayName: 'Max Wait for Rate Limits (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 3600 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long one item may wait when the provider asks to slow down. Past this the item fails with the time to try again.',
	},
];

export interface RunSettings {
	/** Items sent at the same time; undefined: automatic (see AUTOMATIC_PARALLEL_CEILING). */
	parallelRequests: number | undefined;
	maxWaitMs: number;
}

/** Reads the run options from the node's `options` collection (first item: they are per node). */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const waitSeconds = Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS);
	return {
		parallelRequests: explicitParallelRequests(options.parallelRequests),
		maxWaitMs: Number.isFinite(waitSeconds) && waitSeconds >= 0 ? waitSeconds * 1000 : 0,
	};
}

/** Absent or 0: automatic. A saved value keeps its meaning; anything unreadable sends one at a time. */
function explicitParallelRequests(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '' || Number(value) === 0)
		return undefined;
	const parallel = Number(value);
	return Number.isFinite(parallel) && parallel >= 1 ? Math.floor(parallel) : 1;
}

export type ItemHandler = (itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/**
 * Runs the handler for every input item, several at a time, and returns the outputs in input
 * order with pairedItem set. With Continue On Fail a failed item becomes an error item and the
 * others go on; without it the first failure (in input order) stops the node. `parallelRequests`
 * undefined: each item starts once the one before it got its first request's pacer turn.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
	parallelRequests: number | undefined,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	// As an AI Agent tool, a failed item is the model's answer to correct itself from: n8n's editor
	// offers no On Error setting for tool nodes, and stopping would hide the error from the model.
	const continueOnFail = ctx.continueOnFail() || ctx.getNode().type.endsWith('Tool');
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	let firstFailure: { index: number; error: unknown } | undefined;
	// A stopped execution, or a failure before this item without Continue On Fail, starts no item.
	const mayStart = (itemIndex: number) =>
		!(firstFailure && firstFailure.index < itemIndex) && !cancelSignal?.aborted;

	const runItem = async (itemIndex: number) => {
		try {
			const output = await handler(itemIndex);
			const list = Array.isArray(output) ? output : [output];
			results[itemIndex] = list.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (continueOnFail) {
				results[itemIndex] = [
					{ json: failureFields(error) as IDataObject, pairedItem: { item: itemIndex } },
				];
			} else if (!firstFailure || itemIndex < firstFailure.index) {
				firstFailure = { index: itemIndex, error };
			}
		}
	};

	if (parallelRequests === undefined) {
		await startAsPacedAllows(ctx, items.length, runItem, mayStart);
	} else {
		let next = 0;
		const worker = async () => {
			for (;;) {
				const itemIndex = next++;
				if (itemIndex >= items.length || !mayStart(itemIndex)) return;
				await runItem(itemIndex);
			}
		};
		const workers = Math.max(1, Math.min(parallelRequests, items.length));
		await Promise.all(Array.from({ length: workers }, worker));
	}

	if (firstFailure) throw firstFailure.error;
	const output: INodeExecutionData[] = [];
	for (const result of results) if (result) output.push(...result);
	return [output];
}

/** Items at most that have started but not yet sent (their first request waiting for its pacer
 * turn): enough to overlap n8n's own work per item, few enough that none of them queues long. */
export const ITEMS_STARTING_AT_ONCE = 8;

/** Automatic parallelism: the next item starts once fewer than ITEMS_STARTING_AT_ONCE items wait for
 * their first request's pacer turn (at once without a pacer), with at most
 * AUTOMATIC_PARALLEL_CEILING items in flight. */
async function startAsPacedAllows(
	ctx: IExecuteFunctions,
	count: number,
	runItem: (itemIndex: number) => Promise<void>,
	mayStart: (itemIndex: number) => boolean,
): Promise<void> {
	let running = 0;
	let starting = 0;
	let changed: (() => void) | undefined;
	const notify = () => {
		const wake = changed;
		changed = undefined;
		wake?.();
	};
	const untilChange = async () => await new Promise<void>((resolve) => (changed = resolve));
	const runs: Array<Promise<void>> = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		while (running >= AUTOMATIC_PARALLEL_CEILING || starting >= ITEMS_STARTING_AT_ONCE) {
			await untilChange();
		}
		if (!mayStart(itemIndex)) break;
		const index = itemIndex;
		running++;
		starting++;
		void whenItemSends(ctx, index).then(() => {
			starting--;
			notify();
		});
		runs.push(
			runItem(index).finally(() => {
				itemSends(ctx, index);
				running--;
				notify();
			}),
		);
	}
	await Promise.all(runs);
}

export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	settings: RunSettings,
) => Promise<IDataObject | IDataObject[]>;

/**
 * An operation whose request the provider cannot recognise when it comes twice (no idempotency
 * key, no client-made id). Items that an earlier try of this execution sent (node Retry On Fail,
 * or Retry from the Executions list) are answered by `replay`, not sent again.
 */
export interface UnrepeatableOperation {
	execute: OperationExecute;
	/** "sent": the earlier try succeeded; "uncertain": its request may have reached the provider. */
	replay?(
		this: IExecuteFunctions,
		itemIndex: number,
		settings: RunSettings,
		earlier: ItemState,
	): Promise<IDataObject | IDataObject[]>;
}

/** resource -> operation -> what one item of that operation does. */
export type OperationTable = Record<
	string,
	Record<string, OperationExecute | UnrepeatableOperation>
>;

/** A node's whole execute: pick the operation, then run it for every item. */
export async function executeOperation(
	ctx: IExecuteFunctions,
	operations: OperationTable,
): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const entry = operations[resource]?.[operation];
	if (!entry) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const execute = typeof entry === 'function' ? entry : entry.execute;
	const replay = typeof entry === 'function' ? undefined : entry.replay;
	const settings = readRunSettings(ctx);
	const record = replay
		? ExecutionRecord.open(ctx, runScopedKey(ctx, -1, `record:${resource}.${operation}`))
		: undefined;
	await record?.learnFromOtherRetries(ctx.getInputData().length);
	const start = replay ? await recordNodeRunStart(ctx, `${resource}.${operation}`) : undefined;
	try {
		return await runForEachItem(
			ctx,
			async (itemIndex) => {
				const key = completedItemKey(ctx, itemIndex, `${resource}.${operation}`);
				const remembered = key ? recallCompletedItem(key) : undefined;
				if (remembered) return remembered;
				// Keyed operations refuse when they ask for their key (stableItemKey); reads go on.
				if (replay && retriesCrashedRun(ctx)) throw crashedRunRefusal(ctx, itemIndex);
				if (start?.restarted) throw restartedJobRefusal(ctx, itemIndex);
				const earlier = record?.stateOf(itemIndex);
				if (replay && earlier) return await replay.call(ctx, itemIndex, settings, earlier);
				const output = await execute.call(ctx, itemIndex, settings).catch((error: unknown) => {
					if (mayHaveReachedProvider(error)) record?.mark(itemIndex, 'uncertain');
					return Promise.reject(error);
				});
				record?.mark(itemIndex, 'sent');
				if (key) rememberCompletedItem(key, output);
				return output;
			},
			settings.parallelRequests,
		);
	} finally {
		record?.save();
		await record?.shareWithOtherRetries();
		await start?.confirmed;
	}
}

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
import { stableItemKey } from './idempotency';
import { mayHaveReachedProvider } from './request';

// Chosen with `npm run bench`: the HTTP Request node's speed at 50 ms latency, and still bounded.
export const DEFAULT_PARALLEL_REQUESTS = 100;
export const DEFAULT_MAX_WAIT_SECONDS = 60;

/** Options every node offers, in its Options collection. */
export const runOptions: INodeProperties[] = [
	{
		displayName: 'Max Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 200 },
		default: DEFAULT_PARALLEL_REQUESTS,
		description:
			'How many items are sent at the same time. Requests still slow down together when the provider reports its rate limit.',
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
	parallelRequests: number;
	maxWaitMs: number;
}

/** Reads the run options from the node's `options` collection (first item: they are per node). */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const parallel = Number(options.parallelRequests ?? DEFAULT_PARALLEL_REQUESTS);
	const waitSeconds = Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS);
	return {
		parallelRequests: Number.isFinite(parallel) && parallel >= 1 ? Math.floor(parallel) : 1,
		maxWaitMs: Number.isFinite(waitSeconds) && waitSeconds >= 0 ? waitSeconds * 1000 : 0,
	};
}

export type ItemHandler = (itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/**
 * Runs the handler for every input item, several at a time, and returns the outputs in input
 * order with pairedItem set. With Continue On Fail a failed item becomes an error item and the
 * others go on; without it the first failure (in input order) stops the node.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
	parallelRequests: number,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	// As an AI Agent tool, a failed item is the model's answer to correct itself from: n8n's editor
	// offers no On Error setting for tool nodes, and stopping would hide the error from the model.
	const continueOnFail = ctx.continueOnFail() || ctx.getNode().type.endsWith('Tool');
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	let firstFailure: { index: number; error: unknown } | undefined;
	let next = 0;

	const worker = async () => {
		for (;;) {
			const itemIndex = next++;
			if (itemIndex >= items.length) return;
			if (firstFailure && firstFailure.index < itemIndex) return;
			// A stopped execution starts no further item.
			if (cancelSignal?.aborted) return;
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
		}
	};

	const workers = Math.max(1, Math.min(parallelRequests, items.length));
	await Promise.all(Array.from({ length: workers }, worker));

	if (firstFailure) throw firstFailure.error;
	const output: INodeExecutionData[] = [];
	for (const result of results) if (result) output.push(...result);
	return [output];
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
		? ExecutionRecord.open(ctx, stableItemKey(ctx, -1, `record:${resource}.${operation}`))
		: undefined;
	await record?.learnFromOtherRetries(ctx.getInputData().length);
	try {
		return await runForEachItem(
			ctx,
			async (itemIndex) => {
				const key = completedItemKey(ctx, itemIndex, `${resource}.${operation}`);
				const remembered = key ? recallCompletedItem(key) : undefined;
				if (remembered) return remembered;
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
		await record?.shareWithOtherRetries();
	}
}

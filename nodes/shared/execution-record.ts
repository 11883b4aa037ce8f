import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { NODE_STORE } from './node-store';

/**
 * What this node did with each item, kept in the execution's custom data. n8n saves custom data
 * with the execution, also when it fails, and copies it into a retry from the Executions list, on
 * any worker and after a restart: so a retry knows which items an earlier try already sent,
 * where the provider itself has no idempotency key to tell.
 */
interface CustomData {
	get(key: string): unknown;
	set(key: string, value: string): void;
}

/** n8n keeps at most 512 characters per custom data value. */
const MAX_VALUE_LENGTH = 512;

export function executionCustomData(ctx: IExecuteFunctions): CustomData | undefined {
	try {
		return ctx.getWorkflowDataProxy(0).$execution?.customData as CustomData | undefined;
	} catch {
		return undefined;
	}
}

/** Item indexes as ranges: "0-41,43,45-99". A node stops at its first failure, so this stays short. */
function encodeRanges(indexes: Set<number>): string {
	const sorted = [...indexes].sort((a, b) => a - b);
	const ranges: string[] = [];
	for (let i = 0; i < sorted.length; i++) {
		const start = sorted[i];
		while (i + 1 < sorted.length && sorted[i + 1] === sorted[i] + 1) i++;
		ranges.push(start === sorted[i] ? String(start) : `${start}-${sorted[i]}`);
	}
	return ranges.join(',');
}

function decodeRanges(text: string): Set<number> {
	const indexes = new Set<number>();
	for (const range of text.split(',')) {
		if (!/^\d+(-\d+)?$/.test(range)) continue;
		const [start, end] = range.split('-').map(Number);
		if (!Number.isInteger(start)) continue;
		for (let i = start; i <= (Number.isInteger(end) ? end : start); i++) indexes.add(i);
	}
	return indexes;
}

export type ItemState = 'sent' | 'uncertain';

/**
 * The record of one node run (node and run index) in one execution and its retries. "sent": the
 * provider acted. "uncertain": a request may have reached the provider (a timeout after sending).
 * When the record no longer fits n8n's limit, it says so, and every item it cannot name counts as
 * uncertain: better a clear refusal than a second message.
 */
export class ExecutionRecord {
	private readonly sent: Set<number>;
	private readonly uncertain: Set<number>;
	/** Whether the earlier tries' record named every item they handled. Only what they left can be
	 * incomplete: this try knows each of its own items, however long the saved text grows. */
	private readonly earlierComplete: boolean;
	/** What this try did, for the other retries to learn. */
	private readonly done = new Map<number, ItemState>();

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly customData: CustomData | undefined,
		private readonly key: string,
		stored: unknown,
	) {
		const text = typeof stored === 'string' ? stored : '';
		this.earlierComplete = !text.startsWith('!');
		const [sent = '', uncertain = ''] = text.replace(/^!/, '').split(';');
		this.sent = decodeRanges(sent);
		this.uncertain = decodeRanges(uncertain);
	}

	/** The record of this node run, as an earlier try of this execution left it (if any). */
	static open(ctx: IExecuteFunctions, runKey: string): ExecutionRecord {
		const customData = executionCustomData(ctx);
		// n8n takes custom data keys of letters, digits and underscores only.
		const key = `chatProviders_${createHash('sha256').update(runKey).digest('hex').slice(0, 12)}`;
		return new ExecutionRecord(ctx, customData, key, customData?.get(key));
	}

	/**
	 * In a retry: adds what other retries of the same execution sent (n8n's deduplication store:
	 * custom data reaches only the retries of a retry, and n8n still offers Retry on a failed
	 * execution whose first retry failed too),
	 * for the items this execution's own record does not name as sent.
	 */
	async learnFromOtherRetries(itemCount: number): Promise<void> {
		if (this.ctx.getMode() !== 'retry') return;
		const unknown = Array.from({ length: itemCount }, (_, i) => i).filter(
			(i) => this.stateOf(i) !== 'sent',
		);
		const entries = unknown.flatMap((i) => [this.entry(i, 'sent'), this.entry(i, 'uncertain')]);
		if (entries.length === 0) return;
		try {
			// The store has no read without a write: what it did not hold yet is taken out again.
			const found = await this.ctx.helpers.checkProcessedAndRecord(entries, 'node', NODE_STORE);
			if (found.new.length > 0) {
				await this.ctx.helpers.removeProcessed(found.new, 'node', NODE_STORE);
			}
			const processed = new Set(found.processed.map(String));
			for (const i of unknown) {
				if (processed.has(this.entry(i, 'sent'))) {
					this.uncertain.delete(i);
					this.sent.add(i);
				} else if (processed.has(this.entry(i, 'uncertain'))) {
					this.uncertain.add(i);
				}
			}
			// Kept in this execution's record too, for the retries of this retry.
			if (processed.size > 0) this.save();
		} catch {
			// No store (an n8n without a database, such as a test harness): this record alone.
		}
	}

	/** In a retry: leaves what this try sent in n8n's deduplication store for the other retries. */
	async shareWithOtherRetries(): Promise<void> {
		if (this.ctx.getMode() !== 'retry' || this.done.size === 0) return;
		const entries = [...this.done].map(([i, state]) => this.entry(i, state));
		this.done.clear();
		try {
			await this.ctx.helpers.checkProcessedAndRecord(entries, 'node', NODE_STORE);
		} catch {
			// No store: retries of this retry still learn it from its custom data.
		}
	}

	private entry(itemIndex: number, state: ItemState): string {
		return `${this.key}:${state}:${itemIndex}`;
	}

	/** What an earlier try did with the item, or undefined when it did not send it. */
	stateOf(itemIndex: number): ItemState | undefined {
		if (this.sent.has(itemIndex)) return 'sent';
		if (this.uncertain.has(itemIndex)) return 'uncertain';
		// An item this try handled is in one of the two sets; the earlier tries' record may not name
		// every item they handled.
		return this.earlierComplete ? undefined : 'uncertain';
	}

	mark(itemIndex: number, state: ItemState): void {
		this.uncertain.delete(itemIndex);
		(state === 'sent' ? this.sent : this.uncertain).add(itemIndex);
		this.done.set(itemIndex, state);
	}

	/**
	 * Writes the record into the execution's custom data, once the node run ends: n8n saves custom
	 * data with the execution (or its progress) only after a node has run, so writing it per item,
	 * sorting every index each time, would only cost time.
	 */
	save(): void {
		if (!this.customData) return;
		let text = `${encodeRanges(this.sent)};${encodeRanges(this.uncertain)}`;
		if (!this.earlierComplete || text.length > MAX_VALUE_LENGTH) {
			text = `!${text}`.slice(0, MAX_VALUE_LENGTH).replace(/[,;][^,;]*$/, '');
		}
		try {
			this.customData.set(this.key, text);
		} catch {
			// n8n's limit of ten custom data keys is reached: retries cannot tell what was sent.
		}
	}
}

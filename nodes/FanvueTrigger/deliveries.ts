import { REPLAY_WINDOW_SECONDS } from './signature';

/**
 * What one trigger node remembers of the deliveries it accepted, in this n8n process's memory.
 * n8n offers node-scoped deduplication (checkProcessedAndRecord) only to regular nodes, not in a
 * webhook's context (n8n-core 1.122 and 2.8), and workflow static data is read and saved per
 * execution, so it cannot see a duplicate that arrives while the first is still running.
 * JavaScript runs one check-and-record at a time, so concurrent deliveries cannot both pass.
 */
class DeliveryMemory {
	/** Accepted signatures with their signing time: the same request sent again is a replay. */
	private readonly signatures = new Map<string, number>();

	/** Event ids already started (Fanvue's messageUuid): a new delivery of one is a duplicate. */
	private readonly eventIds = new Set<string>();

	constructor(private readonly maxEventIds: number) {}

	isReplay(signature: string): boolean {
		return this.signatures.has(signature);
	}

	isDuplicate(eventId: string): boolean {
		return this.eventIds.has(eventId);
	}

	record(signature: string, signedAt: number, nowSeconds: number, eventId?: string): void {
		// A signature older than the window is refused anyway, so it need not be kept.
		for (const [kept, keptAt] of this.signatures) {
			if (nowSeconds - keptAt <= REPLAY_WINDOW_SECONDS) break;
			this.signatures.delete(kept);
		}
		this.signatures.set(signature, signedAt);
		if (eventId === undefined) return;
		this.eventIds.add(eventId);
		if (this.eventIds.size > this.maxEventIds) {
			const oldest = this.eventIds.values().next().value;
			if (oldest !== undefined) this.eventIds.delete(oldest);
		}
	}
}

/** Ids of this many events per trigger node are kept (the oldest is forgotten first). */
export const MAX_REMEMBERED_EVENT_IDS = 10_000;

const memories = new Map<string, DeliveryMemory>();

/** The editor's test URL and the production URL of one node are remembered apart. */
export type DeliveryScope = 'test' | 'production';

const keyOf = (workflowId: string, nodeId: string, scope: DeliveryScope) =>
	`${scope}\u0000${workflowId}\u0000${nodeId}`;

export function deliveryMemory(
	workflowId: string,
	nodeId: string,
	scope: DeliveryScope,
): DeliveryMemory {
	const key = keyOf(workflowId, nodeId, scope);
	let memory = memories.get(key);
	if (!memory) {
		memory = new DeliveryMemory(MAX_REMEMBERED_EVENT_IDS);
		memories.set(key, memory);
	}
	return memory;
}

/** Deactivating the workflow (or removing the node) forgets what the node remembered. */
export function forgetDeliveries(workflowId: string, nodeId: string, scope: DeliveryScope): void {
	memories.delete(keyOf(workflowId, nodeId, scope));
}

import { REPLAY_WINDOW_SECONDS } from './signature';

/**
 * What one trigger node remembers of the deliveries it accepted, in this n8n process's memory.
 * n8n offers node-scoped deduplication only to regular nodes, not to webhooks (n8n-core 1.122 and
 * 2.8), and static data is saved per execution, too late for a duplicate that arrives while the
 * first is still running. JavaScript runs one check-and-record at a time, so two concurrent
 * deliveries of one event cannot both pass.
 */
class DeliveryMemory {
	/** Accepted signatures with their signing time: the same signed request again is a replay. */
	private readonly signatures = new Map<string, number>();

	/** Event ids already started (Chert's event_id, also in X-Webhook-Event-Id). */
	private readonly eventIds = new Set<string>();

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
		if (this.eventIds.size > MAX_REMEMBERED_EVENT_IDS) {
			const oldest = this.eventIds.values().next().value;
			if (oldest !== undefined) this.eventIds.delete(oldest);
		}
	}
}

/** Ids of this many events per trigger node are kept (the oldest is forgotten first). */
export const MAX_REMEMBERED_EVENT_IDS = 10_000;

const memories = new Map<string, DeliveryMemory>();

/** The editor's test URL and the production URL of one node remember apart. */
export const scopeOf = (context: {
	getMode(): string;
	getWorkflow(): { id?: string };
	getNode(): { id: string };
}): string =>
	`${context.getMode() === 'manual' ? 'test' : 'production'}\u0000${context.getWorkflow().id ?? ''}\u0000${context.getNode().id}`;

export function deliveryMemory(scope: string): DeliveryMemory {
	let memory = memories.get(scope);
	if (!memory) {
		memory = new DeliveryMemory();
		memories.set(scope, memory);
	}
	return memory;
}

/** Activating or deactivating the workflow forgets what the node remembered. */
export function forgetDeliveries(scope: string): void {
	memories.delete(scope);
}

/**
 * Items of a node run waiting for their first request to get its pacer turn, by n8n's context of
 * that run. Without Max Parallel Requests the item loop starts the next item only then, so items
 * start as fast as the provider's limits allow and none queues behind the run's own items long
 * enough to use up its Max Wait.
 */
const waitingToSend = new WeakMap<object, Map<number, () => void>>();

/** Resolves when the item's first request takes its turn (or the item ends without one). */
export async function whenItemSends(ctx: object, itemIndex: number): Promise<void> {
	let waiting = waitingToSend.get(ctx);
	if (!waiting) {
		waiting = new Map();
		waitingToSend.set(ctx, waiting);
	}
	const items = waiting;
	await new Promise<void>((resolve) => items.set(itemIndex, resolve));
}

export function itemSends(ctx: object, itemIndex: number): void {
	const waiting = waitingToSend.get(ctx);
	const wake = waiting?.get(itemIndex);
	if (!wake) return;
	waiting!.delete(itemIndex);
	wake();
}

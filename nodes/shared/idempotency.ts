import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A key that is the same every time this node handles this item in this execution —
 * including when n8n's Retry On Fail re-runs the node — and different for another
 * execution, another node, another pass through a loop or another item.
 */
export function stableItemKey(ctx: IExecuteFunctions, itemIndex: number, purpose: string): string {
	const node = ctx.getNode();
	let runIndex = 0;
	try {
		runIndex = Number(ctx.getWorkflowDataProxy(itemIndex).$runIndex) || 0;
	} catch {
		runIndex = 0;
	}
	const parts = [
		ctx.getWorkflow().id ?? '',
		ctx.getExecutionId() ?? '',
		node.id ?? node.name,
		String(runIndex),
		String(itemIndex),
		purpose,
	];
	return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** A UUID (version 5 layout) derived from a stable key, for APIs that upsert on a client id. */
export function uuidFromKey(key: string): string {
	const bytes = createHash('sha1').update(key).digest().subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import type { INode } from 'n8n-workflow';

/**
 * Values worked out once per node run instead of once per item, keyed by n8n's context object of
 * that run: reading a credential costs a database read in n8n, which dominates a fast request.
 */
const perRun = new WeakMap<object, Map<string, Promise<unknown>>>();

export async function oncePerRun<T>(
	ctx: object,
	key: string,
	compute: () => Promise<T>,
): Promise<T> {
	let values = perRun.get(ctx);
	if (!values) {
		values = new Map();
		perRun.set(ctx, values);
	}
	let value = values.get(key) as Promise<T> | undefined;
	if (!value) {
		value = compute();
		values.set(key, value);
		// A failed read is not kept: the next item reads again.
		value.catch(() => values.delete(key));
	}
	return await value;
}

const nodes = new WeakMap<object, INode>();

/** The node of this run: n8n-core's getNode() deep-copies the node on every call. */
export function nodeOf(ctx: { getNode(): INode }): INode {
	let node = nodes.get(ctx);
	if (!node) {
		node = ctx.getNode();
		nodes.set(ctx, node);
	}
	return node;
}

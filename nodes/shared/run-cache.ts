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

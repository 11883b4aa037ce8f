import type { IDataObject } from 'n8n-workflow';

import type { Item } from '../shared';

/**
 * Custom attributes from key/value pairs and, for power users, a JSON object; a key in the
 * JSON wins over the same key in the pairs. Undefined when there are none.
 */
export function readAttributes(
	pairs: unknown,
	json: unknown,
	item: Item,
	field: string,
): IDataObject | undefined {
	const attributes: IDataObject = {};
	const entries = ((pairs ?? {}) as { attribute?: Array<{ key?: unknown; value?: unknown }> })
		.attribute;
	for (const entry of entries ?? []) {
		const key = item.read.text(entry.key, `${field} key`);
		if (key === '') {
			throw item.invalid(
				field,
				'has an attribute without a key',
				'Give every attribute a key, or remove the empty row.',
			);
		}
		attributes[key] = entry.value as IDataObject[string];
	}
	Object.assign(attributes, item.read.jsonObject(json, `${field} (JSON)`));
	return Object.keys(attributes).length ? attributes : undefined;
}

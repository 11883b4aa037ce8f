import type { IDataObject, IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import { stableItemKey, uuidFromKey } from './idempotency';
import type { RunSettings } from './items';
import { mappedFieldValue } from './mapped-fields';
import { nodeOf } from './run-cache';
import {
	invalidInput,
	optionalEmail,
	optionalHttpUrl,
	optionalUuid,
	parseJsonObject,
	parseList,
	readFreeText,
	readText,
	requireE164,
	requireHttpUrl,
	requireText,
	requireUuid,
	type FieldContext,
} from './validate';

/** Checks that name the field and the item in their error, before anything is sent. */
export interface FieldReaders {
	/** Text or a number's digits, trimmed; '' when empty. For IDs, numbers and URLs. */
	text(value: unknown, field: string): string;
	/** Text a person wrote, exactly as typed; '' when only whitespace. */
	freeText(value: unknown, field: string): string;
	requiredText(value: unknown, field: string, hint?: string): string;
	uuid(value: unknown, field: string): string | undefined;
	requiredUuid(value: unknown, field: string): string;
	/** A phone number in E.164, spaces, dashes and brackets taken out. */
	e164(value: unknown, field: string): string;
	email(value: unknown, field: string): string | undefined;
	httpUrl(value: unknown, field: string): string | undefined;
	requiredHttpUrl(value: unknown, field: string): string;
	/** A list from an array, an expression's list or comma-separated text. */
	list(value: unknown, field: string): string[];
	/** A JSON object from an object or its JSON text; {} when empty. */
	jsonObject(value: unknown, field: string): Record<string, unknown>;
}

/** One input item as an operation sees it. */
export interface Item {
	readonly index: number;
	readonly settings: RunSettings;
	/** A node parameter for this item; resource locators give their value. */
	param(name: string, fallback?: unknown): unknown;
	/** A field of the operation's Options collection, undefined when not added. */
	option(name: string): unknown;
	/** How many results a Get Many returns: its Limit, or Infinity with Return All on. */
	limit(): number;
	readonly read: FieldReaders;
	/** An input problem for this item's field: thrown before any request. */
	invalid(field: string, problem: string, hint?: string): NodeOperationError;
	/** The same for every try of this item in this execution (Retry On Fail, Retry from the
	 * Executions list), different for any other item, node, loop pass or execution. */
	stableKey(purpose: string): string;
	/** stableKey as a UUID, for APIs that upsert on a client-made id. */
	stableUuid(purpose: string): string;
}

export function itemOf(ctx: IExecuteFunctions, index: number, settings: RunSettings): Item {
	const node = nodeOf(ctx);
	const asTool = node.type.endsWith('Tool');
	const at = (field: string): FieldContext => ({ node, itemIndex: index, field });
	let options: IDataObject | undefined;
	return {
		index,
		settings,
		param: (name, fallback = '') => {
			// As an AI Agent's tool, n8n adds the model's call as input, and $json may not be the item.
			if (!asTool) {
				const mapped = mappedFieldValue(node.parameters[name], ctx.getInputData()[index]?.json);
				if (mapped !== undefined) return mapped;
			}
			// Only a resource locator has a value to extract; extracting from a parameter that is
			// hidden (Limit while Return All is on) throws instead of giving the fallback. A saved
			// locator is known before it is read, so its expression is evaluated once, not twice.
			const isLocator = (value: unknown) => (value as { __rl?: unknown } | null)?.__rl === true;
			if (isLocator(node.parameters[name])) {
				return ctx.getNodeParameter(name, index, fallback, { extractValue: true });
			}
			const value = ctx.getNodeParameter(name, index, fallback);
			return isLocator(value)
				? ctx.getNodeParameter(name, index, fallback, { extractValue: true })
				: value;
		},
		option: (name) => {
			options ??= (ctx.getNodeParameter('options', index, {}) ?? {}) as IDataObject;
			return options[name];
		},
		limit: () => {
			if (ctx.getNodeParameter('returnAll', index, false) === true) return Infinity;
			// Limit is only there (and readable) while Return All is off.
			const limit = Number(ctx.getNodeParameter('limit', index, 50));
			if (!Number.isInteger(limit) || limit < 1) {
				throw invalidInput(
					node,
					index,
					'Limit',
					`must be a whole number of at least 1, but got "${String(limit)}"`,
				);
			}
			return limit;
		},
		read: {
			text: (value, field) => readText(value, at(field)),
			freeText: (value, field) => readFreeText(value, at(field)),
			requiredText: (value, field, hint) => requireText(value, at(field), hint),
			uuid: (value, field) => optionalUuid(value, at(field)),
			requiredUuid: (value, field) => requireUuid(value, at(field)),
			e164: (value, field) => requireE164(value, at(field)),
			email: (value, field) => optionalEmail(value, at(field)),
			httpUrl: (value, field) => optionalHttpUrl(value, at(field)),
			requiredHttpUrl: (value, field) => requireHttpUrl(value, at(field)),
			list: (value, field) => parseList(value, at(field)),
			jsonObject: (value, field) => parseJsonObject(value, at(field)),
		},
		invalid: (field, problem, hint) => invalidInput(node, index, field, problem, hint),
		stableKey: (purpose) => stableItemKey(ctx, index, purpose),
		stableUuid: (purpose) => uuidFromKey(stableItemKey(ctx, index, purpose)),
	};
}

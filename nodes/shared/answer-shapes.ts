import type { ProviderFailure } from './errors';
import { MAY_HAVE_ACTED } from './policies/may-have-acted';
import type { HttpAnswer } from './request';

/** What a 2xx answer must hold to be taken as the result: a 2xx without it is an error. */
export interface AnswerShape {
	/** What it holds, as the error names it: "the created conversation's ID". */
	what: string;
	fits(body: unknown): boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const isSet = (value: unknown) => value !== undefined && value !== null && value !== '';

function valueAt(body: unknown, path: string): unknown {
	let value = body;
	for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
	return value;
}

/** The shapes operations ask for, by the door's `expect` request option. */
export const answerWith = {
	/** An object. */
	object: (what: string): AnswerShape => ({ what, fits: isObject }),
	/** An object with every one of these fields set; 'chat.id' reaches into a nested object. */
	fields: (what: string, ...paths: string[]): AnswerShape => ({
		what,
		fits: (body) => paths.every((path) => isSet(valueAt(body, path))),
	}),
	/** An object with at least one of these fields set (a provider with two documented shapes). */
	anyField: (what: string, ...paths: string[]): AnswerShape => ({
		what,
		fits: (body) => paths.some((path) => isSet(valueAt(body, path))),
	}),
	/** A JSON array. */
	list: (what: string): AnswerShape => ({ what, fits: Array.isArray }),
	/** An object whose `key` holds the list (the provider's list envelope). */
	listIn: (what: string, key: string): AnswerShape => ({
		what,
		fits: (body) => Array.isArray(valueAt(body, key)),
	}),
};

function bodyKind(body: unknown): string {
	if (body === undefined || body === '') return 'an empty body';
	if (body === null) return 'null';
	if (Array.isArray(body)) return body.length ? 'a list' : 'an empty list';
	if (isObject(body)) return Object.keys(body).length ? 'an object without it' : 'an empty object';
	return `a ${typeof body}`;
}

/**
 * A 2xx whose body is not what the operation needs. A request that acts (a create, a send) may
 * have acted all the same: unless it carries a key that makes a second try safe, it is marked so,
 * and an earlier try's item is not sent again by Retry On Fail.
 */
export function unexpectedAnswerFailure(
	provider: string,
	answer: HttpAnswer,
	shape: AnswerShape,
	acts: boolean,
	idempotent: boolean,
): ProviderFailure {
	const found = `${provider} answered HTTP ${answer.statusCode} with ${bodyKind(answer.body)}, where its API returns ${shape.what}.`;
	const next = !acts
		? `This is not an answer ${provider}'s API documents: check the Base URL in the credential and any proxy in front of ${provider}, then run the node again.`
		: idempotent
			? `${provider} may have acted on the request all the same. Running the node again is safe: the request carries the same key, so ${provider} answers with what it did the first time.`
			: `${provider} may have acted on the request all the same: check there before running the node again.`;
	return {
		provider,
		statusCode: answer.statusCode,
		message: `answered without ${shape.what} (HTTP ${answer.statusCode})`,
		hint: `${found} ${next}`,
		details: acts && !idempotent ? { [MAY_HAVE_ACTED]: true } : undefined,
	};
}

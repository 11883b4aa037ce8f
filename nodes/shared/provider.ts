import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeExecutionData,
	type INodeProperties,
	type NodeApiError,
} from 'n8n-workflow';

import { answerWith, type AnswerShape } from './answer-shapes';
import { toNodeApiError, type ProviderFailure } from './errors';
import type { ItemState } from './execution-record';
import { itemOf, type Item } from './item';
import {
	DEFAULT_MAX_WAIT_SECONDS,
	executeOperation,
	runOptions,
	type OperationTable,
} from './items';
import type { PublishedRateLimit, RateLimitReading } from './pacing';
import {
	sendProviderRequest,
	type HttpAnswer,
	type ProviderApi,
	type RequestContext,
} from './request';
import { oncePerRun } from './run-cache';

export type { Item } from './item';
export type Answer = HttpAnswer;
export type Failure = Omit<ProviderFailure, 'provider'> & { provider?: string };

/** What every request needs from the credential. */
export interface Connection {
	/** Requests' paths are relative to it; no trailing slash. */
	baseUrl: string;
	/** Values that must never appear in an error, an output or a log. */
	secrets: string[];
}

/** Everything that differs between providers, declared once in the provider's transport.ts. */
export interface ProviderDefinition<C extends Connection, Call> {
	name: string;
	credentialType: string;
	/** How requests carry the credential: its own `authenticate` (default), n8n's OAuth2 flow
	 * (refreshed once on 401), or not at all (the secret is part of the URL). */
	authentication?: 'credential' | 'oauth2' | 'none';
	/** What requests need from the credential; read once per node run. Throw `problem(...)` for a
	 * credential that cannot work. */
	connect(
		credentials: ICredentialDataDecryptedObject,
		problem: (message: string, hint?: string) => Error,
	): C;
	/** A failed answer in the provider's own words; `call` is what the request said it was for. */
	readFailure(answer: Answer, call: Call | undefined, connection: C): Failure;
	/** Whether a failed answer other than 429 is worth sending again; only ever done for requests
	 * that cannot act twice. Default: 502, 503 and 504. */
	isTransient?(answer: Answer): boolean;
	rateLimit?: {
		/** The limit the provider documents, used until its own headers say more. */
		documented?: PublishedRateLimit;
		fromHeaders?(headers: Record<string, unknown>): RateLimitReading | undefined;
		/** When to retry a 429 that has no Retry-After header (epoch ms). */
		retryAt?(answer: Answer): number | undefined;
	};
	/** JSON bodies go out as one fixed string, for credentials that sign the exact bytes. */
	signsBody?: boolean;
	/** Headers every request of this call carries (an API version, say). */
	headers?(call: Call | undefined): IDataObject | undefined;
}

export interface RequestOptions<Call> {
	qs?: IDataObject;
	headers?: IDataObject;
	/** Sending it twice cannot act twice (an idempotency key, a client-made id, a read). Only
	 * these are retried after a timeout, a dropped connection or a transient error. Default: true
	 * for GET, false otherwise. */
	idempotent?: boolean;
	/** What the request is for, handed to readFailure. */
	call?: Call;
	timeoutMs?: number;
	/** More values to keep out of errors for this request (an upload URL, say). */
	secrets?: string[];
	/** False: sent without the credential (a pre-signed URL on another host). */
	authenticated?: boolean;
	/** What a 2xx answer must hold to be the result (`answerWith`): a 2xx without it (an empty
	 * body, `null`, a list where an object was due, a field missing) becomes a clear error. */
	expect?: AnswerShape;
}

/** Requests to one provider for one item: credential, secrets and waits already bound. */
export interface Client<C extends Connection, Call> {
	readonly connection: C;
	get(path: string, options?: RequestOptions<Call>): Promise<Answer>;
	/** Some APIs read what to delete from a JSON body. */
	delete(path: string, body?: IDataObject, options?: RequestOptions<Call>): Promise<Answer>;
	post(path: string, body?: IDataObject, options?: RequestOptions<Call>): Promise<Answer>;
	put(path: string, body?: IDataObject, options?: RequestOptions<Call>): Promise<Answer>;
	patch(path: string, body?: IDataObject, options?: RequestOptions<Call>): Promise<Answer>;
	/** Bytes as the whole body (an upload). */
	upload(
		method: IHttpRequestMethods,
		url: string,
		bytes: Buffer,
		options?: RequestOptions<Call>,
	): Promise<Answer>;
	/** The provider's error for a problem the operation found itself (an answer without an id…). */
	error(failure: Failure, secrets?: string[]): NodeApiError;
}

export interface Operation<C extends Connection, Call> {
	/** The operation's value, name, description and action, as in n8n's Operation selector. */
	value: string;
	name: string;
	description: string;
	action: string;
	/** Its fields; shown for this resource and operation only. */
	properties: INodeProperties[];
	/** Fields of its Options collection; the options every node has are added after them. */
	options?: INodeProperties[];
	/** A Get Many: Return All and Limit follow its fields, as in n8n's own nodes; read them with
	 * `item.limit()`. */
	returnsList?: boolean;
	execute(
		this: IExecuteFunctions,
		item: Item,
		client: Client<C, Call>,
	): Promise<IDataObject | IDataObject[]>;
	/** For requests the provider cannot recognise when they come twice: answers an item that an
	 * earlier try of this execution sent ("sent") or may have sent ("uncertain"). */
	replay?(
		this: IExecuteFunctions,
		item: Item,
		client: Client<C, Call>,
		earlier: ItemState,
	): Promise<IDataObject | IDataObject[]>;
}

export interface Resource<C extends Connection, Call> {
	value: string;
	name: string;
	operations: Array<Operation<C, Call>>;
	/** Its Operation selector and every operation's fields. */
	properties: INodeProperties[];
}

export interface Provider<C extends Connection, Call> {
	readonly name: string;
	readonly credentialType: string;
	/** The shapes a request's `expect` asks of a 2xx answer: `chatwoot.answerWith.fields(...)`. */
	readonly answerWith: typeof answerWith;
	/** A client for list searches, credential tests in code, and any request outside an item. */
	client(ctx: RequestContext, itemIndex?: number, maxWaitMs?: number): Promise<Client<C, Call>>;
	operation(operation: Operation<C, Call>): Operation<C, Call>;
	resource(value: string, name: string, operations: Array<Operation<C, Call>>): Resource<C, Call>;
	/** The node's Resource selector followed by every resource's properties. */
	properties(resources: Array<Resource<C, Call>>): INodeProperties[];
	/** The node's whole execute: the chosen operation for every input item. */
	execute(
		ctx: IExecuteFunctions,
		resources: Array<Resource<C, Call>>,
	): Promise<INodeExecutionData[][]>;
}

function showOnly(property: INodeProperties, resource: string, operation: string): INodeProperties {
	const show = property.displayOptions?.show ?? {};
	return {
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...show, resource: [resource], operation: [operation] },
		},
	};
}

const returnAllAndLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

function optionsCollection(fields: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fields, ...runOptions],
	};
}

function firstResource(resources: Array<{ value: string }>): string {
	return resources[0].value;
}

function byName<T extends { name: string }>(list: T[]): T[] {
	return [...list].sort((a, b) => a.name.localeCompare(b.name));
}

/** A provider, declared once: everything its operations and searches need comes from here. */
export function defineProvider<C extends Connection, Call = undefined>(
	definition: ProviderDefinition<C, Call>,
): Provider<C, Call> {
	const apiFor = (connection: C, call: Call | undefined): ProviderApi => ({
		name: definition.name,
		credentialType: definition.credentialType,
		oauth2: definition.authentication === 'oauth2',
		authenticatesRequests: definition.authentication !== 'none',
		readFailure: (answer) => ({
			provider: definition.name,
			...definition.readFailure(answer, call, connection),
		}),
		isTransient: definition.isTransient,
		publishedRateLimit: definition.rateLimit?.documented,
		readRateLimit: definition.rateLimit?.fromHeaders,
		readRetryAfter: definition.rateLimit?.retryAt,
	});

	const connect = async (ctx: RequestContext, itemIndex: number): Promise<C> =>
		await oncePerRun(ctx, `connection:${definition.credentialType}`, async () => {
			const credentials = await oncePerRun(
				ctx,
				definition.credentialType,
				async () => await ctx.getCredentials(definition.credentialType),
			);
			const connection = definition.connect(
				credentials,
				(message, hint) =>
					new NodeOperationError(ctx.getNode(), message, { itemIndex, description: hint }),
			);
			return { ...connection, baseUrl: connection.baseUrl.replace(/\/+$/, '') };
		});

	const client = async (
		ctx: RequestContext,
		itemIndex = 0,
		maxWaitMs = DEFAULT_MAX_WAIT_SECONDS * 1000,
	): Promise<Client<C, Call>> => {
		const connection = await connect(ctx, itemIndex);
		const urlOf = (path: string) =>
			/^https?:\/\//i.test(path) ? path : `${connection.baseUrl}${path}`;
		const send = async (
			method: IHttpRequestMethods,
			path: string,
			body: IDataObject | Buffer | undefined,
			options: RequestOptions<Call> = {},
		): Promise<Answer> => {
			const asText = definition.signsBody && body !== undefined && !Buffer.isBuffer(body);
			return await sendProviderRequest(
				ctx,
				apiFor(connection, options.call),
				{
					method,
					url: urlOf(path),
					qs: options.qs,
					body: asText ? JSON.stringify(body) : body,
					headers: {
						...(asText ? { 'Content-Type': 'application/json' } : {}),
						...(definition.headers?.(options.call) ?? {}),
						...(options.headers ?? {}),
					},
					idempotent: options.idempotent ?? method === 'GET',
					authenticated: options.authenticated,
					expect: options.expect,
				},
				{
					itemIndex,
					secrets: [...connection.secrets, ...(options.secrets ?? [])],
					maxWaitMs,
					timeoutMs: options.timeoutMs,
				},
			);
		};
		return {
			connection,
			get: async (path, options) => await send('GET', path, undefined, options),
			delete: async (path, body, options) => await send('DELETE', path, body, options),
			post: async (path, body, options) => await send('POST', path, body, options),
			put: async (path, body, options) => await send('PUT', path, body, options),
			patch: async (path, body, options) => await send('PATCH', path, body, options),
			upload: async (method, url, bytes, options) => await send(method, url, bytes, options),
			error: (failure, secrets = []) =>
				toNodeApiError(ctx.getNode(), { provider: definition.name, ...failure }, itemIndex, [
					...connection.secrets,
					...secrets,
				]),
		};
	};

	const resource = (
		value: string,
		name: string,
		operations: Array<Operation<C, Call>>,
	): Resource<C, Call> => {
		const sorted = byName(operations);
		const firstOperation = operations[0].value;
		const selector: INodeProperties = {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [value] } },
			options: sorted.map((operation) => ({
				name: operation.name,
				value: operation.value,
				description: operation.description,
				action: operation.action,
			})),
			default: firstOperation,
		};
		const fields = operations.flatMap((operation) =>
			[
				...operation.properties,
				...(operation.returnsList ? returnAllAndLimit : []),
				optionsCollection(operation.options ?? []),
			].map((property) => showOnly(property, value, operation.value)),
		);
		return { value, name, operations, properties: [selector, ...fields] };
	};

	return {
		name: definition.name,
		credentialType: definition.credentialType,
		answerWith,
		client,
		operation: (operation) => operation,
		resource,
		properties: (resources) => [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: byName(resources).map(({ name, value }) => ({ name, value })),
				default: firstResource(resources),
			},
			...resources.flatMap((entry) => entry.properties),
		],
		execute: async (ctx, resources) => {
			const table: OperationTable = {};
			for (const entry of resources) {
				table[entry.value] = {};
				for (const operation of entry.operations) {
					const clientFor = async (itemIndex: number, maxWaitMs: number) =>
						await client(ctx, itemIndex, maxWaitMs);
					table[entry.value][operation.value] = {
						execute: async function (itemIndex, settings) {
							return await operation.execute.call(
								this,
								itemOf(this, itemIndex, settings),
								await clientFor(itemIndex, settings.maxWaitMs),
							);
						},
						replay: operation.replay
							? async function (itemIndex, settings, earlier) {
									return await operation.replay!.call(
										this,
										itemOf(this, itemIndex, settings),
										await clientFor(itemIndex, settings.maxWaitMs),
										earlier,
									);
								}
							: undefined,
					};
				}
			}
			// The credential is read while the node run records its start: both wait on n8n's database.
			void connect(ctx, 0).catch(() => undefined);
			return await executeOperation(ctx, table);
		},
	};
}

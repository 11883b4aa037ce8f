import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	createRunExecutionData,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRequestOptionsSimplified,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type ExecutionError,
} from 'n8n-workflow';

/** The base of every OAuth2 credential, as n8n ships it (only what the engine reads). */
const oAuth2Api: ICredentialType = {
	name: 'oAuth2Api',
	displayName: 'OAuth2 API',
	properties: [],
};

const INPUT_NODE = 'Input';
const NODE_UNDER_TEST = 'Node under test';

/** Hands the test's input items to the node under test, as a trigger would. */
function inputNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Test Input',
			name: 'testInput',
			group: ['input'],
			version: 1,
			description: 'Emits the test input items',
			defaults: { name: INPUT_NODE },
			inputs: [],
			outputs: ['main'],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			return [items];
		},
	};
}

export interface TokenUpdate {
	type: string;
	oauthTokenData: IDataObject;
}

/**
 * Credentials as n8n's CredentialsHelper treats them: stored data read afresh on every call,
 * applied by the credential type's own `authenticate`, OAuth2 token updates saved back.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly tokenUpdates: TokenUpdate[] = [];
	/** How often a credential was read: in n8n each read is a database query. */
	reads = 0;

	constructor(
		private readonly types: Map<string, ICredentialType>,
		readonly stored: Map<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		const parents = type?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const authenticate = type?.authenticate;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [outerKey, pairs] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(pairs as Record<string, string>)) {
					const resolve = (text: string) =>
						isExpression(text)
							? String(
									workflow.expression.getSimpleParameterValue(
										node,
										text,
										'internal',
										{ $credentials: credentials },
										undefined,
										'',
									) ?? '',
								)
							: text;
					options[outerKey] ??= {};
					options[outerKey][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('not used by node execution');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.stored.get(type);
		if (!data) throw new Error(`No test credentials of type "${type}"`);
		this.reads += 1;
		return structuredClone(data);
	}

	async updateCredentials(
		_details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.stored.set(type, structuredClone(data));
	}

	async updateCredentialsOauthTokenData(
		_details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const current = this.stored.get(type) ?? {};
		const oauthTokenData = structuredClone(data.oauthTokenData) as IDataObject;
		this.stored.set(type, { ...current, oauthTokenData });
		this.tokenUpdates.push({ type, oauthTokenData });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}
}

export interface RunNodeOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	/** Credential data by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** n8n's Retry On Fail node setting. */
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
	/** Reuse a credentials helper (stored tokens) across runs. */
	credentialsHelper?: TestCredentialsHelper;
	executionId?: string;
	/**
	 * Runs as n8n's Retry from the Executions list does: a new execution in "retry" mode that
	 * starts from the failed execution's data, custom data included.
	 */
	retryOf?: NodeRunResult;
	/** Runs the node as an AI Agent tool (n8n names the tool variant's type "<type>Tool"). */
	asTool?: boolean;
	/** Cancels the execution this long after it starts, as the editor's Stop button does. */
	cancelAfterMs?: number;
	/** The node's typeVersion in the workflow, as a saved workflow stores it. Default: the newest. */
	typeVersion?: number;
}

export interface NodeRunResult {
	/** The node's output on its first output, or [] when it failed. */
	items: INodeExecutionData[];
	error?: ExecutionError;
	tokenUpdates: TokenUpdate[];
	credentialsHelper: TestCredentialsHelper;
	run: IRun;
}

class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.types[nodeType];
	}

	getByNameAndVersion(nodeType: string): INodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

let executionCounter = 0;

function buildAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks?: ExecutionLifecycleHooks,
	executionId?: string,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		variables: {},
		userId: 'test-user',
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in node tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not available in node tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

function buildCredentialsHelper(
	credentialTypes: ICredentialType[] | undefined,
	credentials: Record<string, ICredentialDataDecryptedObject> | undefined,
): TestCredentialsHelper {
	const types = new Map<string, ICredentialType>([['oAuth2Api', oAuth2Api]]);
	for (const type of credentialTypes ?? []) types.set(type.name, type);
	return new TestCredentialsHelper(
		types,
		new Map(Object.entries(credentials ?? {}).map(([k, v]) => [k, structuredClone(v)])),
	);
}

function credentialsOf(nodeType: INodeType): INode['credentials'] {
	const nodeCredentials: INode['credentials'] = {};
	for (const type of nodeType.description.credentials ?? []) {
		nodeCredentials[type.name] = { id: `cred-${type.name}`, name: `Test ${type.name}` };
	}
	return nodeCredentials;
}

export interface ListSearchOptions {
	nodeType: INodeType;
	method: string;
	filter?: string;
	/** The token the previous page returned, as the editor sends it when the user scrolls on. */
	paginationToken?: string;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
}

/** Calls a node's listSearch method as the editor does, through n8n-core's LoadOptionsContext. */
export async function runListSearch(options: ListSearchOptions): Promise<INodeListSearchResult> {
	const nodeTypeName = `test.${options.nodeType.description.name}`;
	const node: INode = {
		id: 'node-under-test-id',
		name: NODE_UNDER_TEST,
		type: nodeTypeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters ?? {},
		credentials: credentialsOf(options.nodeType),
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes({ [nodeTypeName]: options.nodeType }),
	});
	const helper = buildCredentialsHelper(options.credentialTypes, options.credentials);
	const additionalData = buildAdditionalData(helper);
	// The editor sends the parameters of the open node along with every list request.
	additionalData.currentNodeParameters = node.parameters;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters');
	const method = options.nodeType.methods?.listSearch?.[options.method];
	if (!method) throw new Error(`No listSearch method ${options.method}`);
	return await method.call(context, options.filter, options.paginationToken);
}

/** Runs one node through n8n-core's real WorkflowExecute, fed by a test input node. */
export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	const items = options.items ?? [{ json: {} }];
	const nodeTypeName = `test.${options.nodeType.description.name}${options.asTool ? 'Tool' : ''}`;
	const nodeTypes = new TestNodeTypes({
		'test.input': inputNodeType(items),
		[nodeTypeName]: options.nodeType,
	});

	const credentialsHelper =
		options.credentialsHelper ??
		buildCredentialsHelper(options.credentialTypes, options.credentials);
	const tokenUpdatesBefore = credentialsHelper.tokenUpdates.length;

	const nodeCredentials = credentialsOf(options.nodeType);

	const node: INode = {
		id: 'node-under-test-id',
		name: NODE_UNDER_TEST,
		type: nodeTypeName,
		typeVersion:
			options.typeVersion ??
			(Array.isArray(options.nodeType.description.version)
				? Math.max(...options.nodeType.description.version)
				: options.nodeType.description.version),
		position: [200, 0],
		parameters: options.parameters,
		credentials: nodeCredentials,
		continueOnFail: options.continueOnFail,
		...(options.retryOnFail
			? {
					retryOnFail: true,
					maxTries: options.retryOnFail.maxTries,
					waitBetweenTries: options.retryOnFail.waitBetweenTries,
				}
			: {}),
	};
	const nodes: INode[] = [
		{
			id: 'input-id',
			name: INPUT_NODE,
			type: 'test.input',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		node,
	];
	const connections = {
		[INPUT_NODE]: { main: [[{ node: NODE_UNDER_TEST, type: 'main' as const, index: 0 }]] },
	};

	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const executionId = options.executionId ?? `test-execution-${++executionCounter}`;
	const mode = options.retryOf ? 'retry' : 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as never);
	let finished: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (run) => {
		finished = run;
	});

	const additionalData = buildAdditionalData(credentialsHelper, hooks, executionId);

	const runExecutionData = createRunExecutionData({
		resultData: { metadata: structuredClone(options.retryOf?.run.data.resultData.metadata) },
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = execute.processRunExecutionData(workflow);
	const cancel =
		options.cancelAfterMs === undefined
			? undefined
			: setTimeout(() => execution.cancel(), options.cancelAfterMs);
	const run = await execution;
	clearTimeout(cancel);
	const result = finished ?? run;

	const taskData = result.data.resultData.runData[NODE_UNDER_TEST]?.at(-1);
	const outputItems = taskData?.data?.main?.[0] ?? [];
	return {
		items: outputItems as INodeExecutionData[],
		error: taskData?.error ?? result.data.resultData.error,
		tokenUpdates: credentialsHelper.tokenUpdates.slice(tokenUpdatesBefore),
		credentialsHelper,
		run: result,
	};
}

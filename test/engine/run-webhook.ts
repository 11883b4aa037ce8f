import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeType,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './run-node';

const NODE_NAME = 'Trigger under test';
const WEBHOOK_ID = 'test-webhook-id';

export interface WebhookHarnessOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes: ICredentialType[];
	/** 'webhook' is n8n's production URL; 'manual' the editor's test URL. */
	mode?: WorkflowExecuteMode;
}

/** A started execution: the trigger's items, as n8n would hand them to the next node. */
export type StartedExecution = IDataObject[];

/** Express's two response methods the node uses, on Node's own response. */
function asExpressResponse(res: ServerResponse) {
	return Object.assign(res, {
		status(code: number) {
			res.statusCode = code;
			return this;
		},
		json(value: unknown) {
			res.setHeader('content-type', 'application/json; charset=utf-8');
			res.end(JSON.stringify(value));
			return this;
		},
	});
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/**
 * Serves a trigger node's webhook on 127.0.0.1 and runs its `webhook()` through n8n-core's real
 * WebhookContext (parameters, credentials, request and response as n8n passes them). The HTTP
 * answer follows n8n's webhook rules: `noWebhookResponse` means the node answered itself; no
 * `workflowData` means nothing starts; otherwise one execution starts with the items.
 */
export class WebhookHarness {
	readonly started: StartedExecution[] = [];
	/** Errors webhook() threw (n8n would answer 500 and record a failed execution). */
	readonly thrown: Error[] = [];
	/** The workflow's static data, kept across requests as n8n keeps it in its database. */
	readonly staticData: IDataObject = {};
	credentialsHelper: TestCredentialsHelper;
	private server?: Server;
	private baseUrl = '';
	private node!: INode;
	private mode!: WorkflowExecuteMode;

	constructor(private options: WebhookHarnessOptions) {
		this.credentialsHelper = new TestCredentialsHelper(new Map(), new Map());
		this.configure(options);
	}

	/** The same server and URL from now on serve the trigger with these options. */
	configure(options: WebhookHarnessOptions): this {
		this.options = options;
		this.mode = options.mode ?? 'webhook';
		this.node = {
			id: 'trigger-under-test-id',
			name: NODE_NAME,
			type: `test.${options.nodeType.description.name}`,
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: options.parameters,
			credentials: Object.fromEntries(
				(options.nodeType.description.credentials ?? []).map((c) => [
					c.name,
					{ id: `cred-${c.name}`, name: `Test ${c.name}` },
				]),
			),
		};
		this.credentialsHelper = new TestCredentialsHelper(
			new Map(options.credentialTypes.map((type) => [type.name, type])),
			new Map(Object.entries(options.credentials)),
		);
		return this;
	}

	/** A fresh Workflow per request, as n8n loads the active workflow for each webhook call. */
	private workflow(): Workflow {
		const nodeType = this.options.nodeType;
		return new Workflow({
			id: 'test-workflow',
			name: 'Test workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			staticData: this.staticData,
			nodeTypes: {
				getByName: () => nodeType,
				getByNameAndVersion: () => nodeType,
				getKnownTypes: () => ({}),
			},
			settings: { executionOrder: 'v1' },
		});
	}

	private additionalData(extra: Partial<IWorkflowExecuteAdditionalData> = {}) {
		return {
			credentialsHelper: this.credentialsHelper,
			webhookBaseUrl: `${this.baseUrl}/webhook`,
			webhookTestBaseUrl: `${this.baseUrl}/webhook-test`,
			webhookWaitingBaseUrl: `${this.baseUrl}/webhook-waiting`,
			formWaitingBaseUrl: `${this.baseUrl}/form-waiting`,
			restApiUrl: `${this.baseUrl}/rest`,
			instanceBaseUrl: `${this.baseUrl}/`,
			variables: {},
			...extra,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/** The node's webhook as n8n's WebhookService registers it: its path evaluated per node. */
	webhook(): IWebhookData {
		const workflow = this.workflow();
		const [description] = this.options.nodeType.description.webhooks ?? [];
		if (!description) throw new Error('The node declares no webhook');
		const path = String(
			workflow.expression.getSimpleParameterValue(this.node, description.path, this.mode, {}),
		);
		return {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: this.node.name,
			path: NodeHelpers.getNodeWebhookPath(workflow.id, this.node, path),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: this.additionalData(),
			webhookId: this.node.webhookId,
			isTest: this.mode === 'manual',
		};
	}

	/** The URL Fanvue is given: n8n's /webhook/<webhookId>/<path>. */
	get url(): string {
		return `${this.baseUrl}/webhook/${this.webhook().path}`;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}

	/** Runs one of the node's webhookMethods (checkExists, create, delete) through HookContext. */
	async lifecycle(method: 'checkExists' | 'create' | 'delete'): Promise<boolean> {
		const workflow = this.workflow();
		const webhookData = this.webhook();
		const activation = this.mode === 'manual' ? 'manual' : 'activate';
		const context = new HookContext(
			workflow,
			this.node,
			this.additionalData(),
			this.mode,
			activation,
			webhookData,
		);
		const fn = this.options.nodeType.webhookMethods?.default?.[method];
		if (!fn) throw new Error(`No webhookMethods.default.${method}`);
		return await fn.call(context);
	}

	private async handle(req: IncomingMessage, rawRes: ServerResponse): Promise<void> {
		const res = asExpressResponse(rawRes);
		const rawBody = await readBytes(req);
		const request = Object.assign(req, {
			rawBody,
			readRawBody: async () => undefined,
			body: undefined as unknown,
		});
		if (String(req.headers['content-type']).startsWith('application/json') && rawBody.length) {
			try {
				request.body = JSON.parse(rawBody.toString('utf8'));
			} catch {
				// n8n answers 422 here; the node reads the raw bytes itself either way.
			}
		}
		const workflow = this.workflow();
		const webhookData = this.webhook();
		const context = new WebhookContext(
			workflow,
			this.node,
			this.additionalData({ httpRequest: request, httpResponse: res } as never),
			this.mode,
			webhookData,
			[],
			null,
		);
		try {
			const result = await this.options.nodeType.webhook!.call(context);
			if (result.noWebhookResponse) {
				if (!res.writableEnded) res.status(500).json({ message: 'The node sent no answer' });
				return;
			}
			if (result.workflowData === undefined) {
				res.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
				return;
			}
			this.started.push(result.workflowData[0].map((item) => item.json));
			res.status(200).json({ message: 'Workflow was started' });
		} catch (error) {
			this.thrown.push(error as Error);
			res.status(500).json({ message: 'Error in workflow' });
		}
	}
}

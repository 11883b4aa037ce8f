import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { runForEachItem, readRunSettings, runOptions } from '../../nodes/shared/items';
import { sendProviderRequest, type ProviderApi } from '../../nodes/shared/request';
import { stableItemKey } from '../../nodes/shared/idempotency';
import { requireText } from '../../nodes/shared/validate';

/** A tiny provider used only to test the shared layer and the engine. */
export const testApiKeyCredential: ICredentialType = {
	name: 'testApiKey',
	displayName: 'Test API Key',
	properties: [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	],
	authenticate: {
		type: 'generic',
		properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
	},
};

export const TEST_OAUTH2_CLIENT = { clientId: 'client-1', clientSecret: 'client-secret-1' };

/** Stored data of a connected test OAuth2 credential whose token endpoint is at `baseUrl`. */
export function connectedTestOAuth2(
	baseUrl: string,
	grant: { access_token: string; refresh_token: string },
): ICredentialDataDecryptedObject {
	return {
		grantType: 'authorizationCode',
		...TEST_OAUTH2_CLIENT,
		accessTokenUrl: `${baseUrl}/oauth2/token`,
		authUrl: `${baseUrl}/oauth2/auth`,
		authentication: 'header',
		scope: '',
		oauthTokenData: { ...grant, token_type: 'bearer' },
	};
}

export const testOAuth2Credential: ICredentialType = {
	name: 'testOAuth2',
	displayName: 'Test OAuth2',
	extends: ['oAuth2Api'],
	properties: [],
};

function describeNode(credential: string): INodeTypeDescription {
	return {
		displayName: 'Test Echo',
		name: `testEcho_${credential}`,
		group: ['output'],
		version: 1,
		description: 'Posts each item to a fake',
		defaults: { name: 'Test Echo' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: credential, required: true }],
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Text', name: 'text', type: 'string', default: '' },
			{ displayName: 'Idempotent', name: 'idempotent', type: 'boolean', default: false },
			{ displayName: 'Timeout', name: 'timeoutMs', type: 'number', default: 0 },
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: runOptions,
			},
		],
	};
}

/** `provider` overrides parts of the test provider (a documented rate limit, say). */
export function testEchoNode(
	credential: 'testApiKey' | 'testOAuth2',
	provider: Partial<ProviderApi> = {},
): INodeType {
	const api: ProviderApi = {
		name: 'Test Provider',
		credentialType: credential,
		oauth2: credential === 'testOAuth2',
		readFailure: (answer) => ({
			provider: 'Test Provider',
			statusCode: answer.statusCode,
			message: String((answer.body as IDataObject)?.message ?? `HTTP ${answer.statusCode}`),
			code: (answer.body as IDataObject)?.code as string | undefined,
		}),
		readRateLimit: (headers) =>
			headers['x-ratelimit-remaining'] === undefined
				? undefined
				: {
						remaining: Number(headers['x-ratelimit-remaining']),
						resetAt: Number(headers['x-ratelimit-reset']) * 1000,
					},
		...provider,
	};
	return {
		description: describeNode(credential),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const settings = readRunSettings(this);
			return await runForEachItem(
				this,
				async (itemIndex) => {
					const node = this.getNode();
					const text = requireText(this.getNodeParameter('text', itemIndex), {
						node,
						itemIndex,
						field: 'Text',
					});
					const idempotent = this.getNodeParameter('idempotent', itemIndex) as boolean;
					const baseUrl = this.getNodeParameter('baseUrl', itemIndex) as string;
					const timeoutMs = (this.getNodeParameter('timeoutMs', itemIndex) as number) || undefined;
					const answer = await sendProviderRequest(
						this,
						api,
						{
							method: 'POST',
							url: `${baseUrl}/echo`,
							body: { text, key: stableItemKey(this, itemIndex, 'echo') },
							idempotent,
						},
						{ itemIndex, secrets: ['super-secret-key'], maxWaitMs: settings.maxWaitMs, timeoutMs },
					);
					return answer.body as IDataObject;
				},
				settings.parallelRequests,
			);
		},
	};
}

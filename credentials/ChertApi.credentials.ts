import { createHmac } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/** The exact text Chert receives: GET sends no body, and an object body is sent as its JSON. */
function bodyAsSent(options: IHttpRequestOptions): string {
	const method = (options.method ?? 'GET').toUpperCase();
	const body = options.body;
	if (method === 'GET' || body === undefined || body === null || body === '') return '';
	if (typeof body === 'string') return body;
	if (typeof body === 'object' && Object.keys(body).length === 0) return '';
	return JSON.stringify(body);
}

export class ChertApi implements ICredentialType {
	name = 'chatProvidersChertApi';

	displayName = 'Chert API';

	icon: Icon = { light: 'file:../icons/chert.svg', dark: 'file:../icons/chert.dark.svg' };

	documentationUrl = 'https://docs.trychert.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: "Your tenant's signing secret from the Chert console",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://console.trychert.com/api/v1',
			description:
				"Chert's API address. Change it only if Chert directed your account to another region.",
		},
		{
			displayName: 'Authenticate With',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'Bearer Token',
					value: 'bearer',
					description: 'Send the signing secret as Authorization: Bearer',
				},
				{
					name: 'Signed Requests',
					value: 'signed',
					description:
						'Sign every request with an HMAC of its body (x-chert-signature); the secret itself never leaves n8n',
				},
			],
			default: 'bearer',
		},
		{
			displayName: 'Tenant Slug',
			name: 'tenantSlug',
			type: 'string',
			default: '',
			placeholder: 'e.g. acme-sales',
			description:
				'Sent as x-chert-tenant. Required for signed requests and for accounts with more than one tenant.',
		},
	];

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const secret = String(credentials.signingSecret ?? '');
		const tenant = String(credentials.tenantSlug ?? '').trim();
		const headers: Record<string, string> = {
			...((requestOptions.headers ?? {}) as Record<string, string>),
		};
		if (tenant !== '') headers['x-chert-tenant'] = tenant;
		if (credentials.authMethod !== 'signed') {
			headers.Authorization = `Bearer ${secret}`;
			return { ...requestOptions, headers };
		}
		const body = bodyAsSent(requestOptions);
		const timestamp = Math.floor(Date.now() / 1000);
		const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
		headers['x-chert-signature'] = `v1,${timestamp},${digest}`;
		if (body === '') return { ...requestOptions, headers };
		// Send the very string that was signed, so no later serialization can change a byte.
		const hasContentType = Object.keys(headers).some(
			(name) => name.toLowerCase() === 'content-type',
		);
		if (!hasContentType) headers['Content-Type'] = 'application/json';
		return { ...requestOptions, headers, body, json: false };
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/phone-numbers',
			method: 'GET',
		},
	};
}

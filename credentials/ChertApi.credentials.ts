import { createHmac } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * The exact bytes Chert receives: GET sends none, a file is sent as its bytes, an object body
 * as its JSON.
 */
function bodyAsSent(options: IHttpRequestOptions): string | Uint8Array {
	const method = (options.method ?? 'GET').toUpperCase();
	const body: unknown = options.body;
	if (method === 'GET' || body === undefined || body === null || body === '') return '';
	if (typeof body === 'string' || body instanceof Uint8Array) return body;
	if (typeof body === 'object' && Object.keys(body).length === 0) return '';
	return JSON.stringify(body);
}

export class ChertApi implements ICredentialType {
	name = 'chatProvidersChertApi';

	displayName = 'Chert API';

	icon: Icon = { light: 'file:../icons/chert.svg', dark: 'file:../icons/chert.dark.svg' };

	// This package's README section on setting up the credential.
	documentationUrl =
		'https://github.com/chat-providers/n8n-nodes-chat-providers#credential-chert-api';

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
		// Two fields of one name: n8n shows the one whose condition holds, so the dialog marks
		// Tenant Slug required only where Chert needs it.
		{
			displayName: 'Tenant Slug',
			name: 'tenantSlug',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. acme-sales',
			description:
				'Your tenant_slug from the Chert registration, sent as x-chert-tenant. Chert needs it with every signed request.',
			displayOptions: { show: { authMethod: ['signed'] } },
		},
		{
			displayName: 'Tenant Slug',
			name: 'tenantSlug',
			type: 'string',
			default: '',
			placeholder: 'e.g. acme-sales',
			description:
				'Your tenant_slug from the Chert registration, sent as x-chert-tenant. Needed only for accounts with more than one tenant; leave empty otherwise.',
			displayOptions: { show: { authMethod: ['bearer'] } },
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
		const digest = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
		headers['x-chert-signature'] = `v1,${timestamp},${digest}`;
		// A file goes out as the very bytes that were signed, with the type its upload asks for.
		if (body === '' || typeof body !== 'string') return { ...requestOptions, headers };
		// Send the very string that was signed, so no later serialization can change a byte.
		const hasContentType = Object.keys(headers).some(
			(name) => name.toLowerCase() === 'content-type',
		);
		if (!hasContentType) headers['Content-Type'] = 'application/json';
		return { ...requestOptions, headers, body, json: false };
	};

	// n8n's credential test applies its rules only to an answer it receives as a response, so every
	// status is taken as one and the rules read Chert's envelope.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/phone-numbers',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 2004,
					message:
						'Chert did not accept the signing secret or the signature. Check Signing Secret (from the Chert console), and that Authenticate With matches your Chert account.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 2012,
					message:
						'Chert could not tell which tenant this is for. Set Tenant Slug: signed requests and accounts with more than one tenant need it.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 2013,
					message:
						"The signature's time is more than 5 minutes away from Chert's clock. Set the clock of the machine running n8n right (for example with NTP).",
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'phone_numbers',
					value: undefined,
					message:
						"Chert did not list this tenant's phone numbers. Check Base URL (it ends in /api/v1) and Signing Secret.",
				},
			},
		],
	};
}

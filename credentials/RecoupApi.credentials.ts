import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export class RecoupApi implements ICredentialType {
	name = 'chatProvidersRecoupApi';

	displayName = 'Recoup API';

	icon: Icon = { light: 'file:../icons/recoup.svg', dark: 'file:../icons/recoup.dark.svg' };

	// This package's setup steps for the credential; they link on to Recoup's own docs.
	documentationUrl =
		'https://github.com/chat-providers/n8n-nodes-chat-providers#credential-recoup-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'recoup_sk_...',
			description: 'An API key from your Recoup account settings',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.recoupable.dev',
			description:
				"Recoup's API address. Change it only if Recoup gave you another one (such as https://api.recoupable.com).",
		},
	];

	// Recoup refuses a request that carries both x-api-key and Authorization: send only the key.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// n8n's credential test applies its rules only to an answer it receives as a response, so every
	// status is taken as one and the rule reads Recoup's answer.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/accounts/id',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'accountId',
					value: undefined,
					message:
						'Recoup did not accept this API key. Copy it again from Recoup (it may be mistyped, revoked or expired), and check Base URL.',
				},
			},
		],
	};
}

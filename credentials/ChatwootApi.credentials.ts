import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Chatwoot's public client API has no token: the inbox identifier in the URL path is the
 * secret, so nothing is added to requests here.
 */
export class ChatwootApi implements ICredentialType {
	name = 'chatProvidersChatwootApi';

	displayName = 'Chatwoot API';

	icon: Icon = { light: 'file:../icons/chatwoot.svg', dark: 'file:../icons/chatwoot.dark.svg' };

	documentationUrl =
		'https://github.com/chat-providers/n8n-nodes-chat-providers#credential-chatwoot-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://app.chatwoot.com',
			placeholder: 'e.g. https://chat.example.com or https://example.com/chatwoot',
			description:
				'Address of your Chatwoot: https://app.chatwoot.com for Chatwoot Cloud, or your own installation (http or https, with its sub-path if it has one)',
		},
		{
			displayName: 'Inbox Identifier',
			// Named as the secret it is: the inbox identifier is this API's only credential.
			name: 'inboxSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The identifier of an API-channel inbox: Settings → Inboxes → your API inbox → Configuration. Anyone with it can write to the inbox.',
		},
		{
			displayName: 'Default Contact Identifier',
			name: 'contactIdentifier',
			type: 'string',
			default: '',
			description:
				"Optional. The source_id of a contact in this inbox, used when the node's Contact is set to Default From Credential.",
		},
		{
			displayName: 'HMAC Token',
			name: 'hmacToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Optional. For inboxes with identity validation: Settings → Inboxes → your API inbox → Configuration → Identity Validation. When set, contacts the node creates carry the identifier's HMAC.",
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Optional, for the Chatwoot Trigger. The secret Chatwoot signs webhook deliveries with: your API inbox's Webhook Secret (Settings → Inboxes → your API inbox → Configuration; not the HMAC token), or the secret of an account webhook (Settings → Integrations → Webhooks). When set, deliveries that are not signed with it are refused.",
		},
	];

	// n8n's credential tester (1.123 and 2.8) drops the HTTP response from a failed request, so
	// `responseCode` rules never match and the dialog shows n8n's generic 404 text. Instead every
	// answer is read as a response, and one without an inbox identifier gets this explanation.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '=/public/api/v1/inboxes/{{encodeURIComponent($credentials.inboxSecret.trim())}}',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'identifier',
					value: undefined,
					message:
						'No API-channel inbox with this Inbox Identifier at this Base URL. Check the Base URL, and copy the identifier from Settings → Inboxes → your API inbox → Configuration; website, email or WhatsApp inboxes do not serve this API.',
				},
			},
		],
	};
}

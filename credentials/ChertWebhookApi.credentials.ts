import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret of a webhook subscription made in Chert's console, for a Chert Trigger set up by
 * hand. "The webhook subscription secret is independent from your API signing_secret"
 * (docs.trychert.com/api/receiving-replies), so it is a credential of its own.
 */
export class ChertWebhookApi implements ICredentialType {
	name = 'chatProvidersChertWebhookApi';

	displayName = 'Chert Webhook API';

	icon: Icon = { light: 'file:../icons/chert.svg', dark: 'file:../icons/chert.dark.svg' };

	// This package's setup steps for the credential.
	documentationUrl =
		'https://github.com/chat-providers/n8n-nodes-chat-providers#credential-chert-webhook-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Subscription Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"The secret Chert shows once when the webhook subscription is created (64 hexadecimal characters). The Chert Trigger checks every delivery's X-Webhook-Signature with it. Not your API signing secret.",
		},
	];
}

import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Fanvue signs every webhook delivery with one secret per app, apart from the OAuth2 connection
 * (which is per app and creator), so a trigger needs no connected account.
 */
export class FanvueWebhookApi implements ICredentialType {
	name = 'chatProvidersFanvueWebhookApi';

	displayName = 'Fanvue Webhook API';

	icon: Icon = { light: 'file:../icons/fanvue.svg', dark: 'file:../icons/fanvue.dark.svg' };

	// This package's setup steps for the credential; they link on to Fanvue's own docs.
	documentationUrl =
		'https://github.com/chat-providers/n8n-nodes-chat-providers#credential-fanvue-webhook-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"Your app's signing secret: in the Fanvue Developer Area open the app, then Events → View Signing Secret. The Fanvue Trigger checks every delivery's X-Fanvue-Signature with it.",
		},
	];
}

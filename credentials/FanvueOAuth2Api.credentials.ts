import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// Without these three, Fanvue's authorization server (Ory Hydra) issues no refresh token.
const REFRESH_SCOPES = 'openid offline_access offline';
const CHAT_SCOPES = 'read:self read:chat write:chat read:fan read:creator';

export class FanvueOAuth2Api implements ICredentialType {
	name = 'chatProvidersFanvueOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Fanvue OAuth2 API';

	icon: Icon = { light: 'file:../icons/fanvue.svg', dark: 'file:../icons/fanvue.dark.svg' };

	// This package's setup steps for the credential; they link on to Fanvue's own docs.
	documentationUrl =
		'https://github.com/chat-providers/n8n-nodes-chat-providers#credential-fanvue-oauth2-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: 'https://auth.fanvue.com/oauth2/auth',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://auth.fanvue.com/oauth2/token',
		},
		{
			displayName: 'Scope',
			name: 'appScopes',
			type: 'string',
			default: `${REFRESH_SCOPES} ${CHAT_SCOPES}`,
			description:
				'Space-separated. Must be exactly the scopes ticked for your app in Fanvue, or Fanvue refuses to connect. Keep "openid offline_access offline": without them the connection cannot renew itself. Create Chat needs write:chat (and read:creator to create as an agency creator); the fan list needs read:chat.',
		},
		{
			// n8n replaces a stored `scope` of a custom OAuth2 type with its default when it connects,
			// so the default reads the user's visible field.
			displayName: 'Scope (From the Field Above)',
			name: 'scope',
			type: 'hidden',
			default: '={{$self["appScopes"]}}',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// Fanvue authenticates the app at the token endpoint with HTTP Basic.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.fanvue.com',
			description: "Fanvue's API address. Leave as it is unless Fanvue gave you another one.",
		},
	];
}

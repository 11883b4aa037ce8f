// The Fanvue OAuth2 credential as n8n stores it once connected, pointing at a FanvueFake.

// The credential's default Scope (credentials/FanvueOAuth2Api.credentials.ts).
export const FANVUE_SCOPE =
	'openid offline_access offline read:self read:chat write:chat read:fan read:creator';

/** `grant`: the tokens the fake issued (fanvue.tokens.issueGrant()); without an `id`, the
 * runner gives the credential one. */
export function fanvueOAuth2Credential({ id, name }, fanvue, grant) {
	return {
		...(id ? { id } : {}),
		name,
		type: 'chatProvidersFanvueOAuth2Api',
		data: {
			grantType: 'pkce',
			clientId: fanvue.clientId,
			clientSecret: fanvue.clientSecret,
			authUrl: `${fanvue.baseUrl}/oauth2/auth`,
			accessTokenUrl: `${fanvue.baseUrl}/oauth2/token`,
			authentication: 'header',
			appScopes: FANVUE_SCOPE,
			scope: FANVUE_SCOPE,
			apiBaseUrl: fanvue.baseUrl,
			oauthTokenData: { ...grant, token_type: 'bearer' },
		},
	};
}

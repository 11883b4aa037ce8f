// A real OAuth2 server (oidc-provider) standing in for Fanvue's Ory Hydra in end-to-end tests:
// authorization code with PKCE S256 required, clients authenticated by HTTP Basic only, refresh
// tokens for `offline_access`/`offline`, rotated on every use, and an authorization request whose
// scopes are not exactly the app's scopes refused back to the redirect URI, as Fanvue does.
// Its dev login and consent pages accept any login.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const REFRESH_SCOPES = ['openid', 'offline_access', 'offline'];

/**
 * @param {{ redirectUri: string, apps: Array<{ clientId: string, clientSecret: string, scope: string }> }} options
 *   every app (client) may ask for exactly its `scope`, space-separated.
 */
export async function startOAuthServer({ redirectUri, apps }) {
	const server = createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const issuer = `http://127.0.0.1:${server.address().port}`;
	const allScopes = new Set([...REFRESH_SCOPES, ...apps.flatMap((app) => app.scope.split(' '))]);
	const scopesOf = new Map(apps.map((app) => [app.clientId, new Set(app.scope.split(' '))]));
	const authorizationRequests = [];

	const provider = new Provider(issuer, {
		clients: apps.map((app) => ({
			client_id: app.clientId,
			client_secret: app.clientSecret,
			redirect_uris: [redirectUri],
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			token_endpoint_auth_method: 'client_secret_basic',
			scope: app.scope,
		})),
		scopes: [...allScopes],
		pkce: { required: () => true },
		cookies: { keys: [randomBytes(16).toString('hex')] },
		features: { devInteractions: { enabled: true } },
		// Hydra issues a refresh token for `offline` too, and without asking for consent again.
		issueRefreshToken: async (_ctx, client, code) =>
			client.grantTypeAllowed('refresh_token') &&
			(code.scopes.has('offline_access') || code.scopes.has('offline')),
		rotateRefreshToken: true,
		// Quiets oidc-provider's "change this default" notices; these values are its defaults.
		clientBasedCORS: () => false,
		findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
	});

	// Before oidc-provider handles /auth: Fanvue's rule on scopes, and `prompt=consent`, without
	// which oidc-provider drops `offline_access` (Hydra keeps it).
	provider.use(async (ctx, next) => {
		if (ctx.path === '/auth' && ctx.method === 'GET') {
			const query = { ...ctx.query };
			const requested = new Set(
				String(query.scope ?? '')
					.split(' ')
					.filter(Boolean),
			);
			authorizationRequests.push({ clientId: query.client_id, scope: query.scope });
			const allowed = scopesOf.get(query.client_id);
			if (allowed && query.redirect_uri === redirectUri && !sameSet(requested, allowed)) {
				const notAllowed = [...requested].find((scope) => !allowed.has(scope));
				const refused = new URL(redirectUri);
				refused.searchParams.set('error', 'invalid_scope');
				refused.searchParams.set(
					'error_description',
					notAllowed
						? `The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope '${notAllowed}'.`
						: `The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client must request exactly the scopes '${[...allowed].join(' ')}'.`,
				);
				if (query.state) refused.searchParams.set('state', query.state);
				ctx.redirect(refused.href);
				return;
			}
			if (requested.has('offline_access')) ctx.query = { ...query, prompt: 'consent' };
		}
		await next();
	});
	provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));

	server.on('request', provider.callback());
	return {
		issuer,
		authUrl: `${issuer}/auth`,
		accessTokenUrl: `${issuer}/token`,
		authorizationRequests,
		stop: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

function sameSet(a, b) {
	return a.size === b.size && [...a].every((value) => b.has(value));
}

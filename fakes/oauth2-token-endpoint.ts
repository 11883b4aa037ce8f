import { randomBytes } from 'node:crypto';

import { header, type FakeServer, type LoggedRequest } from './fake-server';

export interface OAuth2Client {
	clientId: string;
	clientSecret: string;
}

/**
 * A token endpoint like Ory Hydra's: client authentication by HTTP Basic, refresh tokens that
 * rotate and are single-use, and reuse detection that revokes the whole token chain.
 */
export class OAuth2TokenEndpoint {
	private readonly validAccessTokens = new Set<string>();
	private readonly refreshTokens = new Map<string, { chain: number; used: boolean }>();
	private readonly revokedChains = new Set<number>();
	private chainCounter = 0;
	private readonly issuedTokens: string[] = [];
	readonly refreshLog: Array<{ refreshToken: string; outcome: 'ok' | 'reused' | 'invalid' }> = [];

	constructor(
		private readonly client: OAuth2Client,
		readonly path = '/oauth2/token',
	) {}

	/** Issues a token pair as if the user had just connected. */
	issueGrant(): { access_token: string; refresh_token: string } {
		const chain = ++this.chainCounter;
		return this.issue(chain);
	}

	/** Every access and refresh token issued so far: secrets a test looks for where none may be. */
	issued(): string[] {
		return [...this.issuedTokens];
	}

	isValidAccessToken(token: string | undefined): boolean {
		return token !== undefined && this.validAccessTokens.has(token);
	}

	/** Expires every access token, as an hour passing would. */
	expireAccessTokens(): void {
		this.validAccessTokens.clear();
	}

	bearer(request: LoggedRequest): string | undefined {
		const value = header(request, 'authorization');
		return value?.startsWith('Bearer ') ? value.slice(7) : undefined;
	}

	mount(server: FakeServer): void {
		server.route('POST', this.path, (request) => {
			const basic = header(request, 'authorization') ?? '';
			const expected = `Basic ${Buffer.from(`${this.client.clientId}:${this.client.clientSecret}`).toString('base64')}`;
			if (basic !== expected) {
				return {
					status: 401,
					body: { error: 'invalid_client', error_description: 'Client authentication failed' },
				};
			}
			const form = new URLSearchParams(request.rawBody);
			if (form.get('grant_type') !== 'refresh_token') {
				return { status: 400, body: { error: 'unsupported_grant_type' } };
			}
			const presented = form.get('refresh_token') ?? '';
			const record = this.refreshTokens.get(presented);
			if (!record || this.revokedChains.has(record.chain)) {
				this.refreshLog.push({ refreshToken: presented, outcome: 'invalid' });
				return invalidGrant('The refresh token is not valid');
			}
			if (record.used) {
				// Reuse detection: someone replayed a rotated token; kill the whole chain.
				this.revokedChains.add(record.chain);
				this.refreshLog.push({ refreshToken: presented, outcome: 'reused' });
				return invalidGrant('The refresh token has already been used');
			}
			record.used = true;
			this.refreshLog.push({ refreshToken: presented, outcome: 'ok' });
			return {
				status: 200,
				body: { ...this.issue(record.chain), token_type: 'bearer', expires_in: 3600 },
			};
		});
	}

	private issue(chain: number): { access_token: string; refresh_token: string } {
		const access_token = `at_${randomBytes(12).toString('hex')}`;
		const refresh_token = `rt_${randomBytes(12).toString('hex')}`;
		this.validAccessTokens.add(access_token);
		this.refreshTokens.set(refresh_token, { chain, used: false });
		this.issuedTokens.push(access_token, refresh_token);
		return { access_token, refresh_token };
	}
}

function invalidGrant(description: string) {
	return { status: 400, body: { error: 'invalid_grant', error_description: description } };
}

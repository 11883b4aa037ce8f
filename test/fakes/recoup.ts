import { FakeServer, header, type FakeResponse, type LoggedRequest } from './fake-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecoupChatRow {
	id: string;
	account_id: string;
	artist_id: string | null;
	topic: string | null;
	updated_at: string;
}

/**
 * Recoup's API as its open-source handlers behave (recoupable/api): exactly one of x-api-key or
 * Authorization, POST /api/chats validated like its Zod schema and upserted on chatId, and the
 * documented error bodies. `responseShape` picks the seed's documented answer or the live one.
 */
export class RecoupFake extends FakeServer {
	readonly apiKey = 'recoup_sk_test_1234567890abcdef';
	readonly accountId = '11111111-1111-4111-8111-111111111111';
	/** Accounts this key may act for (its organization). */
	readonly reachableAccounts = new Set(['22222222-2222-4222-8222-222222222222']);
	readonly chats = new Map<string, RecoupChatRow>();
	responseShape: 'documented' | 'live' = 'documented';
	/** Creates with these topics answer Recoup's documented 500 this many more times. */
	private readonly failingTopics = new Map<string, number>();
	readonly artists = [
		{ id: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'Nova Lane', account_id: this.accountId },
		{
			id: 'a1a1a1a1-0000-4000-8000-000000000002',
			name: 'The Quiet Hours',
			account_id: this.accountId,
		},
		{
			id: 'a1a1a1a1-0000-4000-8000-000000000003',
			name: 'Bassline Ada',
			account_id: '22222222-2222-4222-8222-222222222222',
		},
	];

	constructor() {
		super();
		this.route('GET', '/api/accounts/id', (request) =>
			this.authenticated(request, () => ({
				status: 200,
				body: { status: 'success', accountId: this.accountId },
			})),
		);
		this.route('GET', '/api/artists', (request) =>
			this.authenticated(request, (account) => {
				const forAccount = request.query.account_id ?? account;
				if (forAccount !== account && !this.reachableAccounts.has(forAccount)) {
					return {
						status: 403,
						body: { status: 'error', error: 'Access denied to specified account_id' },
					};
				}
				return {
					status: 200,
					body: {
						status: 'success',
						artists: this.artists.filter((a) => a.account_id === forAccount),
					},
				};
			}),
		);
		this.route('POST', '/api/chats', (request) =>
			this.authenticated(request, (account) => this.createChat(request, account)),
		);
	}

	failCreates(topic: string, times: number): void {
		this.failingTopics.set(topic, times);
	}

	override reset(): void {
		super.reset();
		this.chats.clear();
		this.failingTopics.clear();
		this.responseShape = 'documented';
	}

	private authenticated(
		request: LoggedRequest,
		handler: (accountId: string) => FakeResponse,
	): FakeResponse {
		const key = header(request, 'x-api-key');
		const authorization = header(request, 'authorization');
		if ((key === undefined) === (authorization === undefined)) {
			return {
				status: 401,
				body: {
					status: 'error',
					error: 'Exactly one of x-api-key or Authorization must be provided',
				},
			};
		}
		const presented = key ?? authorization?.replace(/^Bearer /, '');
		if (presented !== this.apiKey) {
			return { status: 401, body: { status: 'error', message: 'Unauthorized' } };
		}
		return handler(this.accountId);
	}

	private createChat(request: LoggedRequest, ownAccount: string): FakeResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
			if (request.rawBody.trim() !== '') {
				return {
					status: 400,
					body: { status: 'error', missing_fields: [], error: 'Invalid JSON body' },
				};
			}
		}
		for (const field of ['artistId', 'chatId', 'accountId']) {
			const value = body[field];
			if (value !== undefined && (typeof value !== 'string' || !UUID.test(value))) {
				return {
					status: 400,
					body: {
						status: 'error',
						missing_fields: [field],
						error: `${field} must be a valid UUID`,
					},
				};
			}
		}
		for (const field of ['topic', 'firstMessage']) {
			if (body[field] !== undefined && typeof body[field] !== 'string') {
				return {
					status: 400,
					body: { status: 'error', missing_fields: [field], error: `${field} must be a string` },
				};
			}
		}
		const failuresLeft = this.failingTopics.get(String(body.topic)) ?? 0;
		if (failuresLeft > 0) {
			this.failingTopics.set(String(body.topic), failuresLeft - 1);
			return { status: 500, body: { status: 'error', message: 'Failed to create chat' } };
		}
		const accountId = (body.accountId as string | undefined) ?? ownAccount;
		if (accountId !== ownAccount && !this.reachableAccounts.has(accountId)) {
			return {
				status: 403,
				body: { status: 'error', error: 'Access denied to specified account_id' },
			};
		}
		const id = (body.chatId as string | undefined) ?? crypto.randomUUID();
		const topic =
			(body.topic as string | undefined) ??
			(body.firstMessage ? `About: ${String(body.firstMessage).slice(0, 30)}` : null);
		const row: RecoupChatRow = {
			id,
			account_id: accountId,
			artist_id: (body.artistId as string | undefined) ?? null,
			topic,
			updated_at: new Date().toISOString(),
		};
		// Upsert: the same chatId again overwrites topic and artist.
		this.chats.set(id, row);
		if (this.responseShape === 'live') return { status: 200, body: row };
		return {
			status: 200,
			body: {
				status: 'success',
				chat: {
					id: row.id,
					title: row.topic ?? 'New chat',
					accountId: row.account_id,
					sessionId: `5e55e55e-0000-4000-8000-${id.slice(-12)}`,
					updatedAt: row.updated_at,
					artistId: row.artist_id,
				},
			},
		};
	}
}

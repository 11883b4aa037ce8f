import { FakeServer, header, type FakeResponse, type LoggedRequest } from './fake-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecoupMessageRow {
	id: string;
	room_id: string;
	content: { role: string; parts: Array<{ type: string; text: string }>; content: string };
	updated_at: string;
}

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
 * documented error bodies. `responseShape` picks the documented answer or the live one. The chat
 * routes (list, messages, rename, delete) check access as validateChatAccess does: 400 on a bad
 * id, 404 "Chat room not found", 403 for a chat of another account.
 */
export class RecoupFake extends FakeServer {
	readonly apiKey = 'recoup_sk_test_1234567890abcdef';
	readonly accountId = '11111111-1111-4111-8111-111111111111';
	/** Accounts this key may act for (its organization). */
	readonly reachableAccounts = new Set(['22222222-2222-4222-8222-222222222222']);
	readonly chats = new Map<string, RecoupChatRow>();
	readonly messages = new Map<string, RecoupMessageRow[]>();
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
		this.route('GET', '/api/chats', (request) =>
			this.authenticated(request, (account) => this.listChats(request, account)),
		);
		this.route('GET', '/api/chats/:id/messages', (request, params) =>
			this.authenticated(request, (account) =>
				this.withChat(params.id, account, (chat) => ({
					status: 200,
					body: { data: this.messages.get(chat.id) ?? [] },
				})),
			),
		);
		this.route('PATCH', '/api/chats', (request) =>
			this.authenticated(request, (account) => this.updateChat(request, account)),
		);
		this.route('DELETE', '/api/chats', (request) =>
			this.authenticated(request, (account) => this.deleteChat(request, account)),
		);
	}

	/** A chat as Recoup stores it, with messages alternating user and assistant. */
	addChat(row: Partial<RecoupChatRow> & { id: string }, texts: string[] = []): RecoupChatRow {
		const chat: RecoupChatRow = {
			account_id: this.accountId,
			artist_id: null,
			topic: null,
			updated_at: new Date().toISOString(),
			...row,
		};
		this.chats.set(chat.id, chat);
		this.messages.set(
			chat.id,
			texts.map((text, i) => ({
				id: `4e55a9e0-0000-4000-8000-${String(this.messages.size * 100 + i).padStart(12, '0')}`,
				room_id: chat.id,
				content: {
					role: i % 2 === 0 ? 'user' : 'assistant',
					parts: [{ type: 'text', text }],
					content: text,
				},
				updated_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
			})),
		);
		return chat;
	}

	failCreates(topic: string, times: number): void {
		this.failingTopics.set(topic, times);
	}

	override reset(): void {
		super.reset();
		this.chats.clear();
		this.messages.clear();
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

	/** validateChatAccess: a UUID, a chat that exists, owned by the key's account. */
	private withChat(
		id: unknown,
		account: string,
		handler: (chat: RecoupChatRow) => FakeResponse,
	): FakeResponse {
		if (typeof id !== 'string' || !UUID.test(id)) {
			return { status: 400, body: { status: 'error', error: 'id must be a valid UUID' } };
		}
		const chat = this.chats.get(id.toLowerCase());
		if (!chat) return { status: 404, body: { status: 'error', error: 'Chat room not found' } };
		if (chat.account_id !== account) {
			return { status: 403, body: { status: 'error', error: 'Access denied to this chat' } };
		}
		return handler(chat);
	}

	private listChats(request: LoggedRequest, ownAccount: string): FakeResponse {
		for (const field of ['account_id', 'artist_account_id']) {
			const value = request.query[field];
			if (value !== undefined && !UUID.test(value)) {
				return { status: 400, body: { status: 'error', error: `${field} must be a valid UUID` } };
			}
		}
		const accountId = request.query.account_id ?? ownAccount;
		if (accountId !== ownAccount && !this.reachableAccounts.has(accountId)) {
			return {
				status: 403,
				body: { status: 'error', error: 'Access denied to specified account_id' },
			};
		}
		const artistId = request.query.artist_account_id;
		// Like selectChatsWithSessions: newest first, and only chats that have messages.
		const rows = [...this.chats.values()]
			.filter((chat) => chat.account_id === accountId)
			.filter((chat) => artistId === undefined || chat.artist_id === artistId)
			.filter((chat) => (this.messages.get(chat.id) ?? []).length > 0)
			.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
		const chats =
			this.responseShape === 'documented'
				? rows
				: rows.map((row) => ({
						id: row.id,
						title: row.topic,
						accountId: row.account_id,
						sessionId: `5e55e55e-0000-4000-8000-${row.id.slice(-12)}`,
						updatedAt: row.updated_at,
						artistId: row.artist_id,
					}));
		return { status: 200, body: { status: 'success', chats } };
	}

	private updateChat(request: LoggedRequest, account: string): FakeResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		if (typeof body.chatId !== 'string' || !UUID.test(body.chatId)) {
			return {
				status: 400,
				body: { status: 'error', missing_fields: ['chatId'], error: 'chatId must be a valid UUID' },
			};
		}
		if (typeof body.topic !== 'string') {
			return {
				status: 400,
				body: { status: 'error', missing_fields: ['topic'], error: 'topic is required' },
			};
		}
		if (body.topic.length < 3 || body.topic.length > 50) {
			return {
				status: 400,
				body: {
					status: 'error',
					missing_fields: ['topic'],
					error: 'topic must be between 3 and 50 characters',
				},
			};
		}
		const topic = body.topic;
		return this.withChat(body.chatId, account, (chat) => {
			chat.topic = topic;
			chat.updated_at = new Date().toISOString();
			return { status: 200, body: { status: 'success', chat: { ...chat } } };
		});
	}

	private deleteChat(request: LoggedRequest, account: string): FakeResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		if (typeof body.id !== 'string' || !UUID.test(body.id)) {
			return {
				status: 400,
				body: { status: 'error', missing_fields: ['id'], error: 'id must be a valid UUID' },
			};
		}
		return this.withChat(body.id, account, (chat) => {
			this.chats.delete(chat.id);
			this.messages.delete(chat.id);
			return {
				status: 200,
				body: { status: 'success', id: chat.id, message: 'Chat deleted successfully' },
			};
		});
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

import { FakeServer, header, type FakeResponse, type LoggedRequest } from './fake-server';
import { OAuth2TokenEndpoint } from './oauth2-token-endpoint';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FanvueCreator {
	uuid: string;
	handle: string;
	displayName: string;
}

export interface FanvueFan {
	uuid: string;
	handle: string;
	displayName: string;
	/** Whether Fanvue lets the creator open a chat with this user. */
	contactable: boolean;
}

/** A token bucket as Fanvue documents it: 200 requests per 60 s per app and user. */
class TokenBucket {
	private tokens: number;
	private last = Date.now();

	constructor(
		readonly capacity: number,
		private readonly refillPerMs: number,
	) {
		this.tokens = capacity;
	}

	take(): boolean {
		this.refill();
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}

	drainTo(remaining: number): void {
		this.refill();
		this.tokens = remaining;
	}

	/** X-RateLimit-* headers as Fanvue documents them: Reset is when the bucket is full again
	 * (Unix seconds). */
	headers(): Record<string, string> {
		this.refill();
		const msToFull = (this.capacity - this.tokens) / this.refillPerMs;
		return {
			'x-ratelimit-limit': String(this.capacity),
			'x-ratelimit-remaining': String(Math.floor(this.tokens)),
			'x-ratelimit-reset': String(Math.ceil((Date.now() + msToFull) / 1000)),
		};
	}

	retryAfterSeconds(): number {
		this.refill();
		return Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerMs / 1000));
	}

	private refill(): void {
		const now = Date.now();
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs);
		this.last = now;
	}
}

/**
 * Fanvue's API as documented (api.fanvue.com/docs): X-Fanvue-API-Version required on every call,
 * bearer tokens from a Hydra-like token endpoint (HTTP Basic client auth, rotating single-use
 * refresh tokens, reuse revokes the chain), scopes checked per route, a token bucket with
 * X-RateLimit-* headers, and the documented error bodies. The account is an agency: GET /creators
 * lists its creators and /creators/{uuid}/chats their own chats, paginated as documented
 * (docs/fanvue-api-docs/agencies/ in behavero/agencyos, a public copy of Fanvue's reference).
 */
export class FanvueFake extends FakeServer {
	readonly clientId = 'fanvue-client-id-0001';
	readonly clientSecret = 'fanvue-client-secret-s3cr3t';
	readonly tokens = new OAuth2TokenEndpoint({
		clientId: this.clientId,
		clientSecret: this.clientSecret,
	});
	readonly currentVersion = '2025-06-26';
	/** Sunset versions and the version Fanvue names as their successor. */
	readonly sunsetVersions: Record<string, string> = { '2024-06-01': '2025-06-26' };
	readonly creatorUuid = 'c0c0c0c0-0000-4000-8000-000000000001';
	/** The connected account's fans: its chat list (GET /chats), and whom it may open chats with. */
	readonly fans: FanvueFan[] = [
		fan('f0000000-0000-4000-8000-000000000001', 'ada', 'Ada Lovelace', true),
		fan('f0000000-0000-4000-8000-000000000002', 'grace', 'Grace Hopper', true),
		fan('f0000000-0000-4000-8000-000000000003', 'blocked', 'Blocked Fan', false),
	];
	/** Chats created, as "creator/fan" (creator "self" for the connected account). */
	readonly chats: string[] = [];
	/** Messages sent, with the chat they went to ("creator/fan"). */
	readonly messages: Array<{ chat: string; messageUuid: string; body: Record<string, unknown> }> =
		[];
	/** Scopes the user consented to for this app. */
	grantedScopes = new Set<string>();
	/** The account behind the token is an agency: the creators it manages (GET /creators). */
	readonly creators: FanvueCreator[] = [];
	/** Each managed creator's own fans: that creator's chat list (GET /creators/{uuid}/chats). */
	readonly creatorFans = new Map<string, FanvueFan[]>();
	/** Refuse every access token, even fresh ones (a revoked app). */
	rejectAllTokens = false;
	private buckets = new Map<string, TokenBucket>();

	constructor() {
		super();
		this.reset();
		this.tokens.mount(this);
		this.route('POST', '/chats', (request) =>
			this.api(request, ['write:chat'], 'self', () => this.createChat(request, 'self')),
		);
		this.route('POST', '/creators/:creator/chats', (request, { creator }) =>
			this.api(request, ['write:chat', 'read:creator'], creator, () =>
				this.manages(creator)
					? this.createChat(request, creator)
					: { status: 404, body: { message: 'Creator not found' } },
			),
		);
		this.route('POST', '/chats/:fan/message', (request, { fan }) =>
			this.api(request, ['write:chat'], 'self', () => this.sendMessage(request, 'self', fan)),
		);
		this.route('POST', '/creators/:creator/chats/:fan/message', (request, { creator, fan }) =>
			this.api(request, ['write:chat', 'read:creator'], creator, () =>
				this.manages(creator)
					? this.sendMessage(request, creator, fan)
					: { status: 404, body: { message: 'Creator not found' } },
			),
		);
		this.route('GET', '/chats', (request) =>
			this.api(request, ['read:chat'], 'self', () => this.listChats(request, this.fans, true)),
		);
		this.route('GET', '/creators/:creator/chats', (request, { creator }) =>
			this.api(request, ['read:chat', 'read:creator'], creator, () =>
				this.manages(creator)
					? this.listChats(request, this.creatorFans.get(creator) ?? [], false)
					: { status: 404, body: { message: 'Creator not found' } },
			),
		);
		this.route('GET', '/creators', (request) =>
			this.api(request, ['read:creator'], 'self', () => this.listCreators(request)),
		);
	}

	/** Adds agency creators (with no fans yet), e.g. to fill several pages of GET /creators. */
	addCreators(count: number): FanvueCreator[] {
		const added = Array.from({ length: count }, (_, i) => {
			const n = String(this.creators.length + i + 1).padStart(4, '0');
			return {
				uuid: `c0c0c0c0-0000-4000-8000-00000000${n}`,
				handle: `creator${n}`,
				displayName: `Creator ${n}`,
			};
		});
		this.creators.push(...added);
		return added;
	}

	private manages(creator: string): boolean {
		return this.creators.some((c) => c.uuid === creator);
	}

	override reset(): void {
		super.reset();
		this.answered429.clear();
		this.tokens.refreshLog.length = 0;
		this.chats.length = 0;
		this.messages.length = 0;
		this.creators.splice(
			0,
			this.creators.length,
			{ uuid: this.creatorUuid, handle: 'luna', displayName: 'Luna Star' },
			{ uuid: 'c0c0c0c0-0000-4000-8000-000000000002', handle: 'milo', displayName: 'Milo Vega' },
		);
		this.creatorFans.clear();
		this.creatorFans.set(this.creatorUuid, [
			this.fans[1],
			fan('f0000000-0000-4000-8000-0000000000a1', 'zoe', 'Zoe Park', true),
			fan('f0000000-0000-4000-8000-0000000000a2', 'adam', 'Adam Reyes', true),
		]);
		this.grantedScopes = new Set([
			'openid',
			'offline_access',
			'offline',
			'read:self',
			'read:chat',
			'write:chat',
			'read:fan',
			'read:creator',
		]);
		this.rejectAllTokens = false;
		this.useRateLimit(200, 60_000);
	}

	/** Fanvue's limit is per app and user, and per creator on creator routes. */
	useRateLimit(requests: number, perMs: number): void {
		this.buckets = new Map();
		this.bucketFactory = () => new TokenBucket(requests, requests / perMs);
	}

	/** As if other workflows had already used most of this minute's requests. */
	drainRateLimit(remaining: number, key = 'self'): void {
		this.bucket(key).drainTo(remaining);
	}

	/** Every 429 this fake answered. */
	get rateLimited(): LoggedRequest[] {
		return this.requests.filter((r) => this.answered429.has(r));
	}

	private readonly answered429 = new Set<LoggedRequest>();
	private bucketFactory = () => new TokenBucket(200, 200 / 60_000);

	private bucket(key: string): TokenBucket {
		let bucket = this.buckets.get(key);
		if (!bucket) {
			bucket = this.bucketFactory();
			this.buckets.set(key, bucket);
		}
		return bucket;
	}

	private api(
		request: LoggedRequest,
		scopes: string[],
		bucketKey: string,
		handler: () => FakeResponse,
	): FakeResponse {
		const version = header(request, 'x-fanvue-api-version');
		if (version === undefined) {
			return {
				status: 400,
				body: {
					error: 'Missing API version',
					message: 'The X-Fanvue-API-Version header is required',
				},
			};
		}
		if (this.sunsetVersions[version]) {
			return {
				status: 410,
				body: {
					error: 'API version sunset',
					message: `API version ${version} is no longer supported`,
					nextVersion: this.sunsetVersions[version],
				},
			};
		}
		if (version !== this.currentVersion) {
			return {
				status: 400,
				body: {
					error: 'Unsupported API version',
					message: `API version ${version} is not supported. Supported versions: ${this.currentVersion}`,
				},
			};
		}
		const bearer = this.tokens.bearer(request);
		if (this.rejectAllTokens || !this.tokens.isValidAccessToken(bearer)) {
			return { status: 401, body: { error: 'Unauthorized' } };
		}
		const missing = scopes.filter((scope) => !this.grantedScopes.has(scope));
		if (missing.length) return { status: 403, body: { error: 'Insufficient scope' } };
		const bucket = this.bucket(bucketKey);
		if (!bucket.take()) {
			this.answered429.add(request);
			return {
				status: 429,
				headers: { ...bucket.headers(), 'retry-after': String(bucket.retryAfterSeconds()) },
				body: { error: 'Too many requests' },
			};
		}
		const response = handler();
		return { ...response, headers: { ...bucket.headers(), ...(response.headers ?? {}) } };
	}

	private createChat(request: LoggedRequest, creator: string): FakeResponse {
		const body = request.body as Record<string, unknown> | undefined;
		const userUuid = body?.userUuid;
		if (typeof userUuid !== 'string' || !UUID.test(userUuid)) {
			return {
				status: 400,
				body: { errors: [{ path: 'userUuid', message: 'userUuid must be a UUID' }] },
			};
		}
		// Users known to this fake: every fan in any chat list; contactability decides.
		const users = [this.fans, ...this.creatorFans.values()].flat();
		const target = users.find((f) => f.uuid === userUuid);
		if (!target) return { status: 404, body: { message: 'User not found' } };
		if (!target.contactable) {
			return { status: 400, body: { message: 'User is not contactable' } };
		}
		this.chats.push(`${creator}/${userUuid}`);
		return { status: 201, body: { message: 'Chat created successfully' } };
	}

	/**
	 * POST /chats/{userUuid}/message: text 1-5000, mediaUuids UUIDs, price >= 300 (cents),
	 * templateUuid; validation errors as {errors: [strings]}; the chat must exist (404 otherwise).
	 */
	private sendMessage(request: LoggedRequest, creator: string, fanUuid: string): FakeResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		const errors: string[] = [];
		const { text, mediaUuids, price, templateUuid } = body;
		if (text !== undefined && text !== null) {
			if (typeof text !== 'string' || text.length < 1 || text.length > 5000) {
				errors.push('text must be between 1 and 5000 characters');
			}
		}
		if (
			mediaUuids !== undefined &&
			(!Array.isArray(mediaUuids) || mediaUuids.some((m) => typeof m !== 'string' || !UUID.test(m)))
		) {
			errors.push('mediaUuids must be an array of UUIDs');
		}
		if (price !== undefined && price !== null && (typeof price !== 'number' || price < 300)) {
			errors.push('price must not be less than 300');
		}
		if (templateUuid !== undefined && templateUuid !== null && !UUID.test(String(templateUuid))) {
			errors.push('templateUuid must be a UUID');
		}
		if (errors.length) return { status: 400, body: { errors } };
		const chat = `${creator}/${fanUuid}`;
		const listed = creator === 'self' ? this.fans : (this.creatorFans.get(creator) ?? []);
		if (!this.chats.includes(chat) && !listed.some((f) => f.uuid === fanUuid)) {
			return { status: 404, body: { message: 'Chat not found' } };
		}
		const messageUuid = `m0000000-0000-4000-8000-${String(this.messages.length + 1).padStart(12, '0')}`;
		this.messages.push({ chat, messageUuid, body });
		return { status: 201, body: { messageUuid } };
	}

	/** Fanvue's pages: ?page (from 1) & size (1-50, default 15); {data, pagination: {page, size, hasMore}}. */
	private paginate<T>(
		request: LoggedRequest,
		all: T[],
		toEntry: (item: T) => unknown,
	): FakeResponse {
		const size = Number(request.query.size ?? 15);
		const page = Number(request.query.page ?? 1);
		if (!(size >= 1 && size <= 50) || !(page >= 1)) {
			return { status: 400, body: { errors: ['size must be between 1 and 50'] } };
		}
		const data = all.slice((page - 1) * size, page * size).map(toEntry);
		// `size` is the number of records in this answer, as Fanvue documents it.
		return {
			status: 200,
			body: { data, pagination: { page, size: data.length, hasMore: page * size < all.length } },
		};
	}

	/** Only GET /chats documents `search`; a creator's chat list does not. */
	private listChats(request: LoggedRequest, fans: FanvueFan[], searchable: boolean): FakeResponse {
		const search = (searchable ? (request.query.search ?? '') : '').toLowerCase();
		// Repeated parameters, as Fanvue documents them; this fake knows "unread" (none are unread).
		if (Object.keys(request.query).some((key) => key.startsWith('filter['))) {
			return { status: 400, body: { errors: ['filter must be one of the documented values'] } };
		}
		if (request.query.filter === 'unread') fans = [];
		const matching = fans.filter(
			(f) =>
				search === '' ||
				f.handle.toLowerCase().includes(search) ||
				f.displayName.toLowerCase().includes(search),
		);
		return this.paginate(request, matching, (f) => ({
			user: { uuid: f.uuid, handle: f.handle, displayName: f.displayName, nickname: null },
			isRead: true,
			unreadMessagesCount: 0,
		}));
	}

	private listCreators(request: LoggedRequest): FakeResponse {
		return this.paginate(request, this.creators, (c) => ({
			uuid: c.uuid,
			handle: c.handle,
			displayName: c.displayName,
			nickname: null,
			isTopSpender: false,
			avatarUrl: null,
			registeredAt: '2025-01-01T00:00:00.000Z',
			role: 'creator',
		}));
	}
}

function fan(uuid: string, handle: string, displayName: string, contactable: boolean): FanvueFan {
	return { uuid, handle, displayName, contactable };
}

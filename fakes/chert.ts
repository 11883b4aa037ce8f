import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

import {
	ChertWebhookSender,
	newSubscriptionSecret,
	type DeliveryAnswer,
	type SignOptions,
} from './chert-webhooks';
import { FakeServer, header, type FakeResponse, type LoggedRequest } from './fake-server';

const E164 = /^\+[1-9]\d{6,14}$/;
const URL_IN_TEXT = /(?:https?:\/\/|www\.)\S+/i;
const MAX_SKEW_SECONDS = 300;

/**
 * Chert's error codes. Documented: 1001, 1003, 1005, 1006, 1007, 1008, 2002, 2004, 2006, 2012, 2013,
 * 4001, 4002. Chert documents no code for the rest, so this fake uses 400/409 with codes of its own.
 */
export const CODES = {
	missingField: 1001,
	invalidPhone: 1003,
	urlInFirstMessage: 1005,
	tooManyParts: 1006,
	rateLimited: 1007,
	adjacentText: 1008,
	invalidSignature: 2004,
	fromNotOwned: 2006,
	tenantRequired: 2012,
	chatNotFound: 2002,
	clockSkew: 2013,
	deliveryFailed: 4001,
	linesSaturated: 4002,
	// Not documented by Chert: assumptions of this fake.
	groupTextOnly: 1010,
	badAttachment: 1011,
	idempotencyConflict: 1012,
	invalidWebhookUrl: 1013,
	subscriptionNotFound: 1014,
} as const;

/** The event types a webhook subscription can ask for (docs.trychert.com/api/webhook-subscriptions). */
export const WEBHOOK_EVENTS = [
	'message.received',
	'lead_reply',
	'reaction.added',
	'reaction.removed',
];

export interface StoredSubscription {
	id: string;
	tenant: string;
	url: string;
	events: string[];
	version: string;
	is_active: boolean;
	created_at: string;
	secret: string;
}

export interface ChertTenant {
	slug: string;
	phoneNumbers: Array<{ phone_number: string; is_active: boolean }>;
}

export interface ChertAccount {
	signingSecret: string;
	tenants: ChertTenant[];
}

interface Attachment {
	id: string;
	tenant: string;
	filename: string;
	contentType: string;
	sizeBytes: number;
	uploadToken: string;
	bytes?: Buffer;
}

/** Where POST /attachments sends the bytes: a pre-signed storage URL on another origin, or
 * Chert's own upload route (docs.trychert.com/api/attachments), which takes bearer auth only. */
export type UploadTarget = 'storage' | 'chert';

/** The placeholder Chert's docs show in required_headers for its own upload route. */
export const SECRET_PLACEHOLDER = 'Bearer <your-signing-secret>';

interface StoredChat {
	id: string;
	tenant: string;
	from: string;
	to: string[];
	subject?: string;
}

interface StoredMessage {
	id: string;
	chatId: string;
	parts: unknown[];
	direction: 'outbound' | 'inbound';
	createdAt: string;
}

/** Chert keeps the 200 most recent messages of a chat in GET /chats/{id}/messages. */
const LISTED_MESSAGES = 200;

/**
 * Chert's API as documented (docs.trychert.com): bearer or signed requests with the tenant's
 * signing secret, the tenant header for multi-tenant accounts, the phone numbers, the
 * attachment upload flow, Create Chat with its part rules, follow-ups and the messages of a
 * chat, idempotency keys replaying the
 * original answer, and the error envelope with `retryable` and an X-Trace-ID header.
 */
export class ChertFake extends FakeServer {
	readonly singleTenant: ChertAccount = {
		signingSecret: 'chert_ss_single_5f2b9c0d7e1a4b36',
		tenants: [
			{
				slug: 'acme-sales',
				phoneNumbers: [
					{ phone_number: '+15555550100', is_active: true },
					{ phone_number: '+15555550101', is_active: true },
					{ phone_number: '+15555550199', is_active: false },
				],
			},
		],
	};

	readonly multiTenant: ChertAccount = {
		signingSecret: 'chert_ss_multi_8a7c6e5d4b3a2910',
		tenants: [
			{ slug: 'globex-east', phoneNumbers: [{ phone_number: '+15555550200', is_active: true }] },
			{ slug: 'globex-west', phoneNumbers: [{ phone_number: '+15555550300', is_active: true }] },
		],
	};

	readonly chats = new Map<string, StoredChat>();
	/** Every message of every chat, in the order Chert took them: sent, and received from leads. */
	readonly messages: StoredMessage[] = [];
	readonly attachments = new Map<string, Attachment>();
	/** Idempotency key (per tenant) -> the body first sent with it and Chert's answer. */
	readonly idempotency = new Map<string, { rawBody: string; answer: FakeResponse }>();
	/** Pre-signed storage: another origin (its own port), which must never see the credential. */
	readonly storage = new FakeServer();
	/** Webhook subscriptions by id, each with the secret Chert showed once. */
	readonly subscriptions = new Map<string, StoredSubscription>();
	/** Chert requires a public HTTPS URL; this fake also takes http on 127.0.0.1 (n8n under test). */
	acceptLoopbackHttp = true;
	uploadTarget: UploadTarget = 'storage';
	/** Extra required_headers returned by POST /attachments, for storage uploads. */
	extraRequiredHeaders: Record<string, string> = {};
	/** The next follow-up is sent, then its answer is lost (the connection drops). */
	loseNextAnswer = false;
	/** How far Chert's clock is ahead of this machine's, to test the signature time window. */
	clockSkewMs = 0;
	/** A one-off refusal of the next chat to this first recipient (after authentication). */
	private readonly refusals = new Map<string, FakeResponse>();
	private traceCounter = 0;

	constructor() {
		super();
		this.route('GET', '/api/v1/phone-numbers', (request) =>
			this.authenticated(request, (tenant) => ({
				status: 200,
				body: {
					phone_numbers: tenant.phoneNumbers.map((number, index) => ({
						id: `pn_${tenant.slug}_${index}`,
						phone_line_id: `line_${index}`,
						phone_number: number.phone_number,
						service: 'imessage',
						is_active: number.is_active,
						capabilities: ['text', 'media', 'rich_link'],
					})),
				},
			})),
		);
		this.route('POST', '/api/v1/attachments', (request) =>
			this.authenticated(request, (tenant) => this.createAttachment(request, tenant)),
		);
		this.route('PUT', '/api/v1/attachments/:id/upload', (request, params) =>
			this.receiveChertUpload(request, params.id),
		);
		this.storage.route('PUT', '/uploads/:id', (request, params) =>
			this.receiveStorageUpload(request, params.id),
		);
		this.route('POST', '/api/v1/chats', (request) =>
			this.authenticated(request, (tenant) => this.createChat(request, tenant)),
		);
		this.route('POST', '/api/v1/chats/:id/messages', (request, params) =>
			this.authenticated(request, (tenant) => this.sendMessage(request, tenant, params.id)),
		);
		this.route('GET', '/api/v1/chats/:id/messages', (request, params) =>
			this.authenticated(request, (tenant) => this.listMessages(tenant, params.id)),
		);
		this.route('POST', '/api/v1/webhook-subscriptions', (request) =>
			this.authenticated(request, (tenant) => this.createSubscription(request, tenant)),
		);
		this.route('GET', '/api/v1/webhook-subscriptions', (request) =>
			this.authenticated(request, (tenant) => ({
				status: 200,
				body: {
					subscriptions: this.subscriptionsOf(tenant).map((subscription) =>
						this.subscriptionRow(subscription),
					),
				},
			})),
		);
		this.route('GET', '/api/v1/webhook-subscriptions/:id', (request, params) =>
			this.authenticated(request, (tenant) => {
				const subscription = this.subscriptionOf(tenant, params.id);
				if (!subscription) return this.subscriptionNotFound(params.id);
				return { status: 200, body: { subscription: this.subscriptionRow(subscription) } };
			}),
		);
		this.route('PATCH', '/api/v1/webhook-subscriptions/:id', (request, params) =>
			this.authenticated(request, (tenant) => this.updateSubscription(request, tenant, params.id)),
		);
		this.route('DELETE', '/api/v1/webhook-subscriptions/:id', (request, params) =>
			this.authenticated(request, (tenant) => {
				const subscription = this.subscriptionOf(tenant, params.id);
				if (!subscription) return this.subscriptionNotFound(params.id);
				this.subscriptions.delete(subscription.id);
				return { status: 200, body: { deleted: true, id: subscription.id } };
			}),
		);
	}

	get apiBaseUrl(): string {
		return `${this.baseUrl}/api/v1`;
	}

	override async start(): Promise<this> {
		await this.storage.start();
		return await super.start();
	}

	override async stop(): Promise<void> {
		await this.storage.stop();
		await super.stop();
	}

	override reset(): void {
		super.reset();
		this.storage.reset();
		this.uploadTarget = 'storage';
		this.extraRequiredHeaders = {};
		this.chats.clear();
		this.messages.length = 0;
		this.attachments.clear();
		this.idempotency.clear();
		this.clockSkewMs = 0;
		this.loseNextAnswer = false;
		this.refusals.clear();
		this.subscriptions.clear();
		this.acceptLoopbackHttp = true;
	}

	refuseOnce(recipient: string, response: FakeResponse): void {
		this.refusals.set(recipient, response);
	}

	/** An error in Chert's envelope, with the trace id in the body and the X-Trace-ID header. */
	failure(
		status: number,
		code: number,
		message: string,
		retryable = false,
		retryAfter?: number,
	): FakeResponse {
		const traceId = `trc_${(++this.traceCounter).toString().padStart(6, '0')}`;
		const headers: Record<string, string> = { 'x-trace-id': traceId };
		if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
		return {
			status,
			headers,
			body: {
				success: false,
				error: {
					status,
					code,
					message,
					retryable,
					...(retryAfter !== undefined ? { retry_after: retryAfter } : {}),
				},
				trace_id: traceId,
			},
		};
	}

	rateLimited(retryAfterSeconds: number): FakeResponse {
		return this.failure(429, CODES.rateLimited, 'Rate limit exceeded', true, retryAfterSeconds);
	}

	private authenticated(
		request: LoggedRequest,
		handler: (tenant: ChertTenant) => FakeResponse,
	): FakeResponse {
		const slug = header(request, 'x-chert-tenant');
		const signature = header(request, 'x-chert-signature');
		const accounts = [this.singleTenant, this.multiTenant];
		let account: ChertAccount | undefined;
		if (signature !== undefined) {
			if (!slug) {
				return this.failure(401, CODES.tenantRequired, 'x-chert-tenant header is required');
			}
			account = accounts.find((a) => a.tenants.some((t) => t.slug === slug));
			if (!account) return this.failure(401, CODES.tenantRequired, `Unknown tenant "${slug}"`);
			const [version, timestamp, digest] = signature.split(',');
			if (version !== 'v1' || !/^\d+$/.test(timestamp ?? '') || !digest) {
				return this.failure(401, CODES.invalidSignature, 'Malformed signature');
			}
			const now = Math.floor((Date.now() + this.clockSkewMs) / 1000);
			if (Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS) {
				return this.failure(401, CODES.clockSkew, 'Signature timestamp outside the allowed window');
			}
			const expected = createHmac('sha256', account.signingSecret)
				.update(`${timestamp}.`)
				.update(request.rawBytes)
				.digest('hex');
			if (
				expected.length !== digest.length ||
				!timingSafeEqual(Buffer.from(expected), Buffer.from(digest))
			) {
				return this.failure(401, CODES.invalidSignature, 'Invalid signature');
			}
		} else {
			const secret = header(request, 'authorization')?.replace(/^Bearer /, '');
			account = accounts.find((a) => a.signingSecret === secret);
			if (!account) return this.failure(401, CODES.invalidSignature, 'Invalid signing secret');
			if (!slug && account.tenants.length > 1) {
				return this.failure(
					401,
					CODES.tenantRequired,
					'x-chert-tenant header is required for multi-tenant accounts',
				);
			}
		}
		const tenant = slug ? account.tenants.find((t) => t.slug === slug) : account.tenants[0];
		if (!tenant) return this.failure(401, CODES.tenantRequired, `Unknown tenant "${slug}"`);
		return handler(tenant);
	}

	private createAttachment(request: LoggedRequest, tenant: ChertTenant): FakeResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		const { filename, content_type: contentType, size_bytes: sizeBytes } = body;
		if (typeof filename !== 'string' || typeof contentType !== 'string') {
			return this.failure(400, CODES.missingField, 'filename and content_type are required');
		}
		if (typeof sizeBytes !== 'number' || sizeBytes <= 0 || sizeBytes > 100 * 1024 * 1024) {
			return this.failure(400, CODES.missingField, 'size_bytes must be between 1 and 100 MB');
		}
		const attachment: Attachment = {
			id: `att_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
			tenant: tenant.slug,
			filename,
			contentType,
			sizeBytes,
			uploadToken: `upl_${randomUUID()}`,
		};
		this.attachments.set(attachment.id, attachment);
		// Chert's docs show its own route with a placeholder for the secret the client must send.
		const target =
			this.uploadTarget === 'chert'
				? {
						upload_url: `${this.apiBaseUrl}/attachments/${attachment.id}/upload`,
						required_headers: { authorization: SECRET_PLACEHOLDER, 'content-type': contentType },
					}
				: {
						upload_url: `${this.storage.baseUrl}/uploads/${attachment.id}?sig=${attachment.uploadToken}`,
						required_headers: {
							'Content-Type': contentType,
							'x-upload-token': attachment.uploadToken,
							...this.extraRequiredHeaders,
						},
					};
		return {
			status: 201,
			body: {
				attachment_id: attachment.id,
				...target,
				expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
			},
		};
	}

	/** The pre-signed upload URL: no credential of any kind, only the headers Chert asked for. */
	private receiveStorageUpload(request: LoggedRequest, id: string): FakeResponse {
		const attachment = this.attachments.get(id);
		if (
			!attachment ||
			request.query.sig !== attachment.uploadToken ||
			header(request, 'x-upload-token') !== attachment.uploadToken ||
			header(request, 'authorization') !== undefined ||
			header(request, 'x-chert-signature') !== undefined ||
			header(request, 'x-chert-tenant') !== undefined
		) {
			return { status: 403, body: 'SignatureDoesNotMatch' };
		}
		return this.storeUpload(request, attachment, () => ({ status: 403, body: 'Bad upload' }));
	}

	/** Chert's own upload route: "HMAC is not supported on the binary upload route. Use bearer auth." */
	private receiveChertUpload(request: LoggedRequest, id: string): FakeResponse {
		if (header(request, 'x-chert-signature') !== undefined) {
			return this.failure(
				401,
				CODES.invalidSignature,
				'HMAC is not supported on the binary upload route. Use bearer auth.',
			);
		}
		return this.authenticated(request, (tenant) => {
			const attachment = this.attachments.get(id);
			if (!attachment || attachment.tenant !== tenant.slug) {
				return this.failure(404, CODES.badAttachment, `Attachment ${id} not found`);
			}
			return this.storeUpload(request, attachment, (message) =>
				this.failure(400, CODES.badAttachment, message),
			);
		});
	}

	private storeUpload(
		request: LoggedRequest,
		attachment: Attachment,
		refuse: (message: string) => FakeResponse,
	): FakeResponse {
		if (header(request, 'content-type') !== attachment.contentType) {
			return refuse('Content-Type does not match the registered upload');
		}
		if (request.rawBytes.length !== attachment.sizeBytes) {
			return refuse('Body size does not match size_bytes');
		}
		attachment.bytes = request.rawBytes;
		return { status: 200 };
	}

	private createChat(request: LoggedRequest, tenant: ChertTenant): FakeResponse {
		const body = request.body as
			| {
					from?: unknown;
					to?: unknown;
					message?: { parts?: unknown; subject?: unknown; idempotency_key?: unknown };
			  }
			| undefined;
		const refusal = Array.isArray(body?.to) ? this.refusals.get(String(body.to[0])) : undefined;
		if (refusal) {
			this.refusals.delete(String((body?.to as unknown[])[0]));
			return refusal;
		}
		const parts = body?.message?.parts;
		if (!body || !body.from || !body.to || !Array.isArray(parts) || parts.length === 0) {
			return this.failure(400, CODES.missingField, 'from, to and message.parts are required');
		}
		const to = body.to;
		if (typeof body.from !== 'string' || !E164.test(body.from)) {
			return this.failure(400, CODES.invalidPhone, `Invalid phone number: ${String(body.from)}`);
		}
		if (!Array.isArray(to) || to.length < 1 || to.length > 31) {
			return this.failure(400, CODES.invalidPhone, 'to must have 1 to 31 phone numbers');
		}
		const badRecipient = to.find((n) => typeof n !== 'string' || !E164.test(n));
		if (badRecipient !== undefined) {
			return this.failure(400, CODES.invalidPhone, `Invalid phone number: ${String(badRecipient)}`);
		}
		if (parts.length > 10) {
			return this.failure(400, CODES.tooManyParts, 'A message can have at most 10 parts');
		}
		const typed = parts as Array<Record<string, unknown>>;
		for (const [index, part] of typed.entries()) {
			if (part.type === 'link') {
				return this.failure(
					400,
					CODES.urlInFirstMessage,
					'Legacy link parts are not allowed in a first message; use rich_link',
				);
			}
			if (part.type === 'text') {
				if (typeof part.value !== 'string' || part.value === '') {
					return this.failure(400, CODES.missingField, `parts[${index}].value is required`);
				}
				if (URL_IN_TEXT.test(part.value)) {
					return this.failure(
						400,
						CODES.urlInFirstMessage,
						'URLs are not allowed in first-message text parts; use a rich_link part',
					);
				}
				if (typed[index - 1]?.type === 'text') {
					return this.failure(400, CODES.adjacentText, 'Adjacent text parts are not allowed');
				}
			}
			if (to.length > 1 && part.type !== 'text') {
				return this.failure(
					400,
					CODES.groupTextOnly,
					'Media attachments and rich links are not supported in the first group-create call',
				);
			}
			if (part.type === 'rich_link' && typeof part.url !== 'string') {
				return this.failure(400, CODES.missingField, `parts[${index}].url is required`);
			}
			if (part.type === 'media') {
				const attachment = this.attachments.get(String(part.attachment_id));
				if (!attachment || attachment.tenant !== tenant.slug || !attachment.bytes) {
					return this.failure(
						400,
						CODES.badAttachment,
						`Attachment ${String(part.attachment_id)} was not uploaded`,
					);
				}
			}
		}
		const owned = tenant.phoneNumbers.some((n) => n.phone_number === body.from && n.is_active);
		if (!owned) {
			return this.failure(403, CODES.fromNotOwned, `${body.from} is not assigned to this tenant`);
		}

		const key = body.message?.idempotency_key;
		const stored =
			typeof key === 'string' ? this.idempotency.get(`${tenant.slug}:${key}`) : undefined;
		if (stored) {
			if (stored.rawBody === request.rawBody) return stored.answer;
			return this.failure(
				409,
				CODES.idempotencyConflict,
				'idempotency_key was already used with a different request body',
			);
		}

		const chat: StoredChat = {
			id: randomUUID(),
			tenant: tenant.slug,
			from: body.from,
			to: to as string[],
			subject: typeof body.message?.subject === 'string' ? body.message.subject : undefined,
		};
		this.chats.set(chat.id, chat);
		const sent = this.store(chat.id, parts, 'outbound');
		const now = sent.createdAt;
		const answer: FakeResponse = {
			status: 200,
			body: {
				chat: {
					id: chat.id,
					display_name: to.length > 1 ? (chat.subject ?? to.join(', ')) : to[0],
					handles: to.map((address) => ({ service: 'imessage', address })),
					is_group: to.length > 1,
					service: 'imessage',
					health_score: 87,
					created_at: now,
				},
				message: this.messageRow(sent),
			},
		};
		if (typeof key === 'string') {
			this.idempotency.set(`${tenant.slug}:${key}`, { rawBody: request.rawBody, answer });
		}
		return answer;
	}

	/** A reply from the lead, as Chert records one arriving in the chat. */
	receive(chatId: string, text: string): StoredMessage {
		return this.store(chatId, [{ type: 'text', value: text }], 'inbound');
	}

	private store(chatId: string, parts: unknown[], direction: StoredMessage['direction']) {
		const message: StoredMessage = {
			id: randomUUID().replace(/-/g, ''),
			chatId,
			parts,
			direction,
			createdAt: new Date().toISOString(),
		};
		this.messages.push(message);
		return message;
	}

	private messageRow(message: StoredMessage): Record<string, unknown> {
		return {
			id: message.id,
			chat_id: message.chatId,
			parts: message.parts,
			status: message.direction === 'outbound' ? 'sent' : 'delivered',
			direction: message.direction,
			created_at: message.createdAt,
			delivered_at: message.direction === 'inbound' ? message.createdAt : null,
			read_at: null,
			service: 'imessage',
		};
	}

	private chatOf(tenant: ChertTenant, id: string): StoredChat | undefined {
		const chat = this.chats.get(id);
		return chat && chat.tenant === tenant.slug ? chat : undefined;
	}

	private chatNotFound(id: string): FakeResponse {
		return this.failure(404, CODES.chatNotFound, `Chat ${id} not found`);
	}

	/**
	 * docs.trychert.com/api/chats/send-message: the body wrapped in `message` (top-level parts are
	 * refused), at most 10 parts, no two text parts in a row, uploaded media only. Unlike a first
	 * message, text may carry URLs, and a group takes links and media.
	 */
	private sendMessage(request: LoggedRequest, tenant: ChertTenant, id: string): FakeResponse {
		const chat = this.chatOf(tenant, id);
		if (!chat) return this.chatNotFound(id);
		const body = (request.body ?? {}) as {
			parts?: unknown;
			message?: { parts?: unknown; idempotency_key?: unknown };
		};
		const parts = body.message?.parts;
		if (body.parts !== undefined || !Array.isArray(parts) || parts.length === 0) {
			return this.failure(400, CODES.missingField, 'message.parts is required');
		}
		if (parts.length > 10) {
			return this.failure(400, CODES.tooManyParts, 'A message can have at most 10 parts');
		}
		const typed = parts as Array<Record<string, unknown>>;
		for (const [index, part] of typed.entries()) {
			if (part.type === 'text') {
				if (typeof part.value !== 'string' || part.value === '') {
					return this.failure(400, CODES.missingField, `parts[${index}].value is required`);
				}
				if (typed[index - 1]?.type === 'text') {
					return this.failure(400, CODES.adjacentText, 'Adjacent text parts are not allowed');
				}
			} else if (part.type === 'rich_link') {
				if (typeof part.url !== 'string') {
					return this.failure(400, CODES.missingField, `parts[${index}].url is required`);
				}
			} else if (part.type === 'media') {
				const attachment = this.attachments.get(String(part.attachment_id));
				if (!attachment || attachment.tenant !== tenant.slug || !attachment.bytes) {
					return this.failure(
						400,
						CODES.badAttachment,
						`Attachment ${String(part.attachment_id)} was not uploaded`,
					);
				}
			} else {
				return this.failure(400, CODES.missingField, `parts[${index}].type is not supported`);
			}
		}

		// Keys are kept per tenant and route: this fake assumes a follow-up's key is its own.
		const key = body.message?.idempotency_key;
		const slot = typeof key === 'string' ? `${tenant.slug}:chat-message:${key}` : undefined;
		const earlier = slot ? this.idempotency.get(slot) : undefined;
		if (earlier) {
			if (earlier.rawBody === request.rawBody) return earlier.answer;
			return this.failure(
				409,
				CODES.idempotencyConflict,
				'idempotency_key was already used with a different request body',
			);
		}
		const stored = this.store(chat.id, parts, 'outbound');
		const answer: FakeResponse = { status: 200, body: { message: this.messageRow(stored) } };
		if (slot) this.idempotency.set(slot, { rawBody: request.rawBody, answer });
		if (this.loseNextAnswer) {
			this.loseNextAnswer = false;
			return { ...answer, drop: true };
		}
		return answer;
	}

	/** docs.trychert.com/api/chats/list-messages: the 200 most recent, oldest first, has_more. */
	private listMessages(tenant: ChertTenant, id: string): FakeResponse {
		const chat = this.chatOf(tenant, id);
		if (!chat) return this.chatNotFound(id);
		const all = this.messages.filter((message) => message.chatId === chat.id);
		return {
			status: 200,
			body: {
				messages: all.slice(-LISTED_MESSAGES).map((message) => this.messageRow(message)),
				has_more: all.length > LISTED_MESSAGES,
			},
		};
	}

	private subscriptionsOf(tenant: ChertTenant): StoredSubscription[] {
		return [...this.subscriptions.values()].filter((entry) => entry.tenant === tenant.slug);
	}

	private subscriptionOf(tenant: ChertTenant, id: string): StoredSubscription | undefined {
		const subscription = this.subscriptions.get(id);
		return subscription && subscription.tenant === tenant.slug ? subscription : undefined;
	}

	private subscriptionNotFound(id: string): FakeResponse {
		return this.failure(404, CODES.subscriptionNotFound, `Webhook subscription ${id} not found`);
	}

	/** "Subsequent GET responses never include the secret." */
	private subscriptionRow({ secret: _secret, tenant: _tenant, ...row }: StoredSubscription) {
		return row;
	}

	/** A refusal of url/events as documented: an HTTPS URL, events among the documented types. */
	private checkSubscriptionFields(body: Record<string, unknown>): FakeResponse | undefined {
		if (body.url !== undefined) {
			if (typeof body.url !== 'string' || body.url.trim() === '') {
				return this.failure(400, CODES.missingField, 'url is required');
			}
			let url: URL;
			try {
				url = new URL(body.url);
			} catch {
				return this.failure(400, CODES.invalidWebhookUrl, 'url must be a valid HTTPS URL');
			}
			const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
			if (url.protocol !== 'https:' && !(this.acceptLoopbackHttp && loopback)) {
				return this.failure(400, CODES.invalidWebhookUrl, 'url must be HTTPS');
			}
		}
		if (body.events !== undefined) {
			const unknown = Array.isArray(body.events)
				? body.events.find((event) => !WEBHOOK_EVENTS.includes(String(event)))
				: body.events;
			if (unknown !== undefined) {
				return this.failure(400, CODES.missingField, `Unknown event type: ${String(unknown)}`);
			}
		}
		return undefined;
	}

	private createSubscription(request: LoggedRequest, tenant: ChertTenant): FakeResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		if (body.url === undefined) return this.failure(400, CODES.missingField, 'url is required');
		const refusal = this.checkSubscriptionFields(body);
		if (refusal) return refusal;
		const subscription: StoredSubscription = {
			id: randomUUID(),
			tenant: tenant.slug,
			url: String(body.url),
			events: (body.events as string[] | undefined) ?? [],
			version: typeof body.version === 'string' ? body.version : '2026-04-01',
			is_active: true,
			created_at: new Date().toISOString(),
			secret: newSubscriptionSecret(),
		};
		this.subscriptions.set(subscription.id, subscription);
		// The one answer that shows the secret.
		return {
			status: 201,
			body: {
				subscription: { ...this.subscriptionRow(subscription), secret: subscription.secret },
			},
		};
	}

	private updateSubscription(request: LoggedRequest, tenant: ChertTenant, id: string) {
		const subscription = this.subscriptionOf(tenant, id);
		if (!subscription) return this.subscriptionNotFound(id);
		const body = (request.body ?? {}) as Record<string, unknown>;
		const refusal = this.checkSubscriptionFields(body);
		if (refusal) return refusal;
		if (typeof body.url === 'string') subscription.url = body.url;
		if (Array.isArray(body.events)) subscription.events = body.events.map(String);
		if (typeof body.is_active === 'boolean') subscription.is_active = body.is_active;
		return { status: 200, body: { subscription: this.subscriptionRow(subscription) } };
	}

	/**
	 * Delivers an event as Chert does: to every active subscription that asked for it (no events
	 * means all), each signed with its own secret and carrying its id.
	 */
	async deliver(
		envelope: Record<string, unknown>,
		options: SignOptions = {},
	): Promise<Array<DeliveryAnswer & { subscriptionId: string }>> {
		const targets = [...this.subscriptions.values()].filter(
			(subscription) =>
				subscription.is_active &&
				(subscription.events.length === 0 || subscription.events.includes(String(envelope.event))),
		);
		return await Promise.all(
			targets.map(async (subscription) => ({
				subscriptionId: subscription.id,
				...(await new ChertWebhookSender(subscription.secret, subscription.id).post(
					subscription.url,
					envelope,
					options,
				)),
			})),
		);
	}
}

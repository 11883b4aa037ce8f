import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/**
 * Chert's side of its webhooks (docs.trychert.com/api/receiving-replies): the message.received
 * envelope, the X-Webhook-Event / X-Webhook-Event-Id / X-Webhook-Subscription-Id headers, and a
 * signature. Chert's "Verifying signatures" page was not found in any stored copy, so deliveries
 * are signed as Chert signs API requests: `v1,<unix seconds>,<hex HMAC-SHA256(secret,
 * "<seconds>.<raw body>")>` in X-Webhook-Signature (or x-chert-signature, or `t=…,v1=…`).
 */

export const OUR_LINE = '+14152165723';
export const LEAD = '+14155551234';
export const TENANT = 'acme-sales';

export interface EnvelopeOptions {
	chatId?: string;
	text?: string;
	from?: string;
	line?: string;
	eventId?: string;
	isGroup?: boolean;
	/** Media parts after the text, as inbound attachments arrive. */
	attachments?: number;
	/** Top-level from/to/text/message_guid/line_id, as some legacy deliveries carry. */
	legacyAliases?: boolean;
}

const handle = (number: string, isMe: boolean) => ({
	handle: number,
	service: 'imessage',
	is_me: isMe,
});

/** A message.received envelope as Chert's docs show it; every call gets fresh ids. */
export function messageReceived(options: EnvelopeOptions = {}): Record<string, unknown> {
	const messageId = randomUUID().toUpperCase();
	const line = options.line ?? OUR_LINE;
	const from = options.from ?? LEAD;
	const text = options.text ?? 'Sure, what time?';
	const parts: unknown[] = [{ type: 'text', value: text }];
	for (let index = 0; index < (options.attachments ?? 0); index++) {
		parts.push({
			type: 'media',
			attachment_id: `in_${randomBytes(16).toString('hex')}`,
			filename: `photo-${index + 1}.jpg`,
			content_type: 'image/jpeg',
			size_bytes: 48_213,
		});
	}
	const envelope: Record<string, unknown> = {
		event: 'message.received',
		event_id: options.eventId ?? `chert:msg:${messageId}`,
		timestamp: new Date().toISOString(),
		api_version: 'v1',
		webhook_version: '2026-05-04',
		event_type: 'message.received',
		trace_id: `trc_${randomBytes(6).toString('hex')}`,
		partner_id: TENANT,
		data: {
			chat: {
				id: options.chatId ?? randomUUID(),
				is_group: options.isGroup ?? false,
				handles: [handle(line, true), handle(from, false)],
				owner_handle: handle(line, true),
			},
			message: {
				id: messageId,
				direction: 'inbound',
				sender_handle: handle(from, false),
				parts,
			},
		},
	};
	if (options.legacyAliases) {
		Object.assign(envelope, { from, to: line, text, message_guid: messageId, line_id: 'line_0' });
	}
	return envelope;
}

/** reaction.added / reaction.removed: Chert names them; this shape is this fake's assumption. */
export function reaction(
	event: 'reaction.added' | 'reaction.removed',
	options: { chatId?: string; messageId?: string; reaction?: string } = {},
): Record<string, unknown> {
	return {
		event,
		event_id: `chert:reaction:${randomUUID()}`,
		timestamp: new Date().toISOString(),
		api_version: 'v1',
		event_type: event,
		partner_id: TENANT,
		data: {
			chat: {
				id: options.chatId ?? randomUUID(),
				is_group: false,
				owner_handle: handle(OUR_LINE, true),
			},
			message: { id: options.messageId ?? randomUUID().toUpperCase() },
			reaction: { type: options.reaction ?? 'love', sender_handle: handle(LEAD, false) },
		},
	};
}

/** A fresh subscription secret as Chert makes one: 32 random bytes, hex. */
export const newSubscriptionSecret = (): string => randomBytes(32).toString('hex');

export function signDelivery(
	secret: string,
	body: string | Buffer,
	timestamp: number,
	layout: 'v1' | 't=' = 'v1',
): string {
	const digest = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
	return layout === 'v1' ? `v1,${timestamp},${digest}` : `t=${timestamp},v1=${digest}`;
}

export interface Delivery {
	/** The exact bytes sent. */
	body: string;
	headers: Record<string, string>;
}

export interface SignOptions {
	/** Unix seconds the delivery is signed at; default now. */
	timestamp?: number;
	/** Sign with another secret (a forger who guessed wrong). */
	secret?: string;
	/** Send this header value instead of a signature; '' sends none. */
	signature?: string;
	/** Which of the two header names Chert documents carries the signature. */
	headerName?: 'x-webhook-signature' | 'x-chert-signature';
	layout?: 'v1' | 't=';
	subscriptionId?: string;
}

export interface DeliveryAnswer {
	status: number;
	body: string;
}

/** Signs and posts deliveries as Chert does, with one subscription's secret. */
export class ChertWebhookSender {
	constructor(
		private readonly secret: string,
		private readonly subscriptionId: string = randomUUID(),
	) {}

	sign(envelope: unknown, options: SignOptions = {}): Delivery {
		const body = typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
		const parsed = (typeof envelope === 'string' ? JSON.parse(envelope) : envelope) as Record<
			string,
			unknown
		>;
		const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
		const signature =
			options.signature ??
			signDelivery(options.secret ?? this.secret, body, timestamp, options.layout);
		return {
			body,
			headers: {
				'content-type': 'application/json',
				'user-agent': 'Chert-Webhooks/1.0',
				'x-webhook-event': String(parsed.event ?? ''),
				'x-webhook-event-id': String(parsed.event_id ?? ''),
				'x-webhook-subscription-id': options.subscriptionId ?? this.subscriptionId,
				...(signature === '' ? {} : { [options.headerName ?? 'x-webhook-signature']: signature }),
			},
		};
	}

	/** Posts a signed delivery (or one prepared with sign(), e.g. to send it again). */
	async post(
		url: string,
		delivery: Delivery | Record<string, unknown>,
		options: SignOptions = {},
	): Promise<DeliveryAnswer> {
		const prepared = isDelivery(delivery) ? delivery : this.sign(delivery, options);
		const answer = await fetch(url, {
			method: 'POST',
			headers: prepared.headers,
			body: prepared.body,
		});
		return { status: answer.status, body: await answer.text() };
	}
}

function isDelivery(value: Delivery | Record<string, unknown>): value is Delivery {
	return typeof value.body === 'string' && typeof value.headers === 'object';
}

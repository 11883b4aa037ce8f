import { createHmac, randomUUID } from 'node:crypto';

/**
 * Posts events as Chatwoot does (chatwoot/chatwoot v4.13+): the payload is the model's
 * `webhook_data` plus `event` (app/listeners/webhook_listener.rb), serialized by Rails' to_json
 * (which escapes <, > and & as \u003c, \u003e, \u0026), delivered by Webhooks::Trigger with
 * `X-Chatwoot-Delivery: <uuid>` (kept across Sidekiq retries) and, when the webhook has a secret,
 * `X-Chatwoot-Timestamp` and `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "ts.body")>`.
 */

export interface ChatwootDelivery {
	headers: Record<string, string>;
	/** The exact bytes Chatwoot sends. */
	body: string;
}

export interface DeliveryOptions {
	/** The webhook's secret; none means an unsigned delivery, as before Chatwoot 4.11.2. */
	secret?: string;
	deliveryId?: string;
	/** Unix seconds the delivery is signed at; defaults to now. */
	timestamp?: number;
}

/** ActiveSupport's JSON encoding of a Ruby hash (HTML-safe escapes, UTF-8 kept as it is). */
export function railsToJson(value: unknown): string {
	return JSON.stringify(value)
		.replace(/</g, '\\u003c')
		.replace(/>/g, '\\u003e')
		.replace(/&/g, '\\u0026')
		.replace(/\u2028/g, '\\u2028')
		.replace(/\u2029/g, '\\u2029');
}

export function signChatwoot(secret: string, timestamp: number, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function chatwootDelivery(
	payload: Record<string, unknown>,
	options: DeliveryOptions = {},
): ChatwootDelivery {
	const body = railsToJson(payload);
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		accept: 'application/json',
		'user-agent': 'rest-client/2.1.0 (linux x86_64) ruby/3.4.4p34',
		'x-chatwoot-delivery': options.deliveryId ?? randomUUID(),
	};
	if (options.secret) {
		const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
		headers['x-chatwoot-timestamp'] = String(timestamp);
		headers['x-chatwoot-signature'] = signChatwoot(options.secret, timestamp, body);
	}
	return { headers, body };
}

export async function postDelivery(
	url: string,
	delivery: ChatwootDelivery,
): Promise<{ status: number; body: string }> {
	const answer = await fetch(url, {
		method: 'POST',
		headers: delivery.headers,
		body: delivery.body,
	});
	return { status: answer.status, body: await answer.text() };
}

const account = { id: 1, name: 'Acme Support' };
const inbox = { id: 7, name: 'Website API' };

export interface ContactShape {
	id: number;
	name: string;
	email: string | null;
	phone_number?: string | null;
	sourceId: string;
}

export const SAMPLE_CONTACT: ContactShape = {
	id: 42,
	name: 'Ada Lovelace',
	email: 'ada@example.com',
	phone_number: '+14155550100',
	sourceId: '5a8f0d8e-3c1b-4b7a-9a55-0b1e2c3d4e5f',
};

/** Conversation#webhook_data (Conversations::EventDataPresenter#push_data), trimmed to its keys. */
export function conversationData(
	displayId: number,
	contact: ContactShape = SAMPLE_CONTACT,
	status = 'open',
): Record<string, unknown> {
	return {
		additional_attributes: {},
		can_reply: true,
		channel: 'Channel::Api',
		contact_inbox: {
			id: 900 + contact.id,
			contact_id: contact.id,
			inbox_id: inbox.id,
			source_id: contact.sourceId,
			hmac_verified: false,
			pubsub_token: 'pubsub-token-of-the-widget',
		},
		id: displayId,
		inbox_id: inbox.id,
		messages: [],
		labels: [],
		meta: {
			sender: {
				id: contact.id,
				name: contact.name,
				email: contact.email,
				phone_number: contact.phone_number ?? null,
				identifier: null,
				type: 'contact',
			},
			assignee: null,
			assignee_type: null,
			team: null,
			hmac_verified: false,
		},
		status,
		custom_attributes: {},
		snoozed_until: null,
		unread_count: 1,
		priority: null,
		waiting_since: 1767225600,
		created_at: 1767225600,
		updated_at: 1767225600.5,
		timestamp: 1767225600,
	};
}

/** message_created as an account webhook or the API inbox's Webhook URL receives it. */
export function messageCreated(options: {
	messageId: number;
	conversationId: number;
	content: string;
	messageType?: 'incoming' | 'outgoing' | 'template' | 'activity';
	private?: boolean;
	contact?: ContactShape;
}): Record<string, unknown> {
	const contact = options.contact ?? SAMPLE_CONTACT;
	const messageType = options.messageType ?? 'incoming';
	const sender =
		messageType === 'incoming'
			? {
					id: contact.id,
					name: contact.name,
					email: contact.email,
					phone_number: contact.phone_number ?? null,
					identifier: null,
					thumbnail: '',
					custom_attributes: {},
					additional_attributes: {},
					avatar: '',
					account,
					type: 'contact',
				}
			: { id: 3, name: 'Grace (agent)', email: 'grace@acme.example', type: 'user' };
	return {
		account,
		additional_attributes: {},
		content_attributes: {},
		content_type: 'text',
		content: options.content,
		conversation: conversationData(options.conversationId, contact),
		created_at: '2026-01-01T00:00:00.000Z',
		id: options.messageId,
		inbox,
		message_type: messageType,
		private: options.private ?? false,
		sender,
		source_id: null,
		event: 'message_created',
	};
}

export function conversationCreated(
	conversationId: number,
	contact?: ContactShape,
): Record<string, unknown> {
	return { ...conversationData(conversationId, contact), event: 'conversation_created' };
}

export function conversationStatusChanged(
	conversationId: number,
	status: 'open' | 'resolved' | 'pending' | 'snoozed',
	contact?: ContactShape,
): Record<string, unknown> {
	return {
		...conversationData(conversationId, contact, status),
		event: 'conversation_status_changed',
		changed_attributes: [{ status: { previous_value: 'open', current_value: status } }],
	};
}

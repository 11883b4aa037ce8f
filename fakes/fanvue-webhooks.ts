import { createHmac, randomUUID } from 'node:crypto';

/**
 * Fanvue's side of its app webhooks: the six documented payloads (api.fanvue.com/docs, Webhooks:
 * the example payload of each event page) and a sender that posts them signed as Fanvue does,
 * `X-Fanvue-Signature: t=<unix seconds>,v0=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 */
export type FanvueWebhookEvent =
	| 'messageReceived'
	| 'messageRead'
	| 'newFollower'
	| 'newSubscriber'
	| 'purchaseReceived'
	| 'tipReceived';

export const CREATOR_UUID = 'f4b2a184-2b4a-4a04-9b70-3c0e0a1caa12';

export interface FanvueFanUser {
	uuid: string;
	handle: string;
	displayName: string;
	avatarUrl: string;
}

export const TEST_FAN: FanvueFanUser = {
	uuid: '5939ae62-3eb5-4433-954f-f78c7b4282f3',
	handle: 'test-user',
	displayName: 'Test User',
	avatarUrl: 'https://via.placeholder.com/150',
};

/** A payload of the event, shaped as Fanvue's docs show it; every call gets fresh ids. */
export function fanvuePayload(
	event: FanvueWebhookEvent,
	options: { text?: string; fan?: FanvueFanUser; messageUuid?: string } = {},
): Record<string, unknown> {
	const sender = options.fan ?? TEST_FAN;
	const timestamp = new Date().toISOString();
	switch (event) {
		case 'messageReceived': {
			const messageUuid = options.messageUuid ?? randomUUID();
			return {
				message: {
					uuid: messageUuid,
					text: options.text ?? 'Hey! Is this still available?',
					hasMedia: false,
					mediaUuids: [],
					createdAt: timestamp,
				},
				messageUuid,
				sender,
				recipientUuid: CREATOR_UUID,
				isMuted: false,
				timestamp,
			};
		}
		case 'messageRead':
			return {
				counterpartUuid: sender.uuid,
				readMessagesCount: 5,
				recipientUuid: CREATOR_UUID,
				timestamp,
			};
		case 'newFollower':
			// Fanvue's page lists no example; the other user events carry these fields.
			return { recipientUuid: CREATOR_UUID, sender, timestamp };
		case 'newSubscriber':
			return { price: 1299, recipientUuid: CREATOR_UUID, sender, timestamp };
		case 'purchaseReceived':
			return {
				postUuid: randomUUID(),
				price: 2499,
				recipientUuid: CREATOR_UUID,
				sender,
				timestamp,
			};
		case 'tipReceived':
			return {
				context: 'message',
				messageUuid: randomUUID(),
				recipientUuid: CREATOR_UUID,
				senderUuid: sender.uuid,
				price: 500,
				sender,
				timestamp,
			};
	}
}

export function signatureHeader(secret: string, body: string | Buffer, timestamp: number): string {
	const digest = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
	return `t=${timestamp},v0=${digest}`;
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
	/** Send this header instead of a signature. */
	header?: string;
}

export interface DeliveryAnswer {
	status: number;
	body: string;
}

/** Signs and posts deliveries the way Fanvue does. */
export class FanvueWebhookSender {
	constructor(private readonly secret: string) {}

	sign(payload: unknown, options: SignOptions = {}): Delivery {
		const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
		const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
		const signature =
			options.header ?? signatureHeader(options.secret ?? this.secret, body, timestamp);
		return {
			body,
			headers: {
				'content-type': 'application/json',
				...(signature === '' ? {} : { 'x-fanvue-signature': signature }),
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

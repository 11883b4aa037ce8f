import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

/**
 * The six events Fanvue's app webhooks send (api.fanvue.com/docs, Webhooks). Their payloads carry
 * no event name, so each event gets its own URL: the event is the last part of the path.
 */
export type FanvueEvent =
	| 'messageReceived'
	| 'messageRead'
	| 'newFollower'
	| 'newSubscriber'
	| 'purchaseReceived'
	| 'tipReceived';

interface EventDefinition {
	name: string;
	description: string;
	/** The field Fanvue documents as the event's own id, used to drop repeated deliveries. */
	idOf?: (payload: IDataObject) => string | undefined;
}

const asObject = (value: unknown): IDataObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: {};

const asString = (value: unknown): string | undefined =>
	typeof value === 'string' && value !== '' ? value : undefined;

export const EVENTS: Record<FanvueEvent, EventDefinition> = {
	messageReceived: {
		name: 'Message Received',
		description: 'A fan sent the creator a direct message',
		idOf: (payload) => asString(payload.messageUuid) ?? asString(asObject(payload.message).uuid),
	},
	messageRead: {
		name: 'Message Read',
		description: "The creator marked a fan's messages as read",
	},
	newFollower: {
		name: 'New Follower',
		description: 'A user started following the creator',
	},
	newSubscriber: {
		name: 'New Subscriber',
		description: 'A user subscribed to the creator',
	},
	purchaseReceived: {
		name: 'Purchase Received',
		description: 'A user bought a paid post or message',
	},
	tipReceived: {
		name: 'Tip Received',
		description: 'A user tipped a post or a message',
	},
};

export const EVENT_OPTIONS: INodePropertyOptions[] = Object.entries(EVENTS).map(
	([value, { name, description }]) => ({ name, value, description }),
);

export function isFanvueEvent(value: unknown): value is FanvueEvent {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, value);
}

/** The event's own id where Fanvue sends one; undefined for events that carry none. */
export function eventIdOf(event: FanvueEvent, payload: IDataObject): string | undefined {
	return EVENTS[event].idOf?.(payload);
}

/**
 * What a workflow reaches for first, beside the event as Fanvue sent it. `fanUuid` is the fan's
 * userUuid: Fanvue keys chats by it, so it is the Fan (ID) the Fanvue node's chat fields take.
 */
export function toOutput(event: FanvueEvent, payload: IDataObject): IDataObject {
	const sender = asObject(payload.sender);
	const message = asObject(payload.message);
	const fanUuid =
		asString(sender.uuid) ?? asString(payload.senderUuid) ?? asString(payload.counterpartUuid);
	const flattened: IDataObject = {
		event,
		fanUuid: fanUuid ?? null,
		fanHandle: asString(sender.handle) ?? null,
		fanDisplayName: asString(sender.displayName) ?? null,
		creatorUuid: asString(payload.recipientUuid) ?? null,
		occurredAt: asString(payload.timestamp) ?? null,
	};
	if (event === 'messageReceived') {
		flattened.text = typeof message.text === 'string' ? message.text : null;
		flattened.messageUuid = eventIdOf(event, payload) ?? null;
	}
	if (event === 'messageRead') flattened.readMessagesCount = payload.readMessagesCount ?? null;
	if (event === 'tipReceived') {
		flattened.tippedOn = asString(payload.context) ?? null;
		flattened.messageUuid = asString(payload.messageUuid) ?? null;
		flattened.postUuid = asString(payload.postUuid) ?? null;
	}
	if (event === 'purchaseReceived') {
		flattened.postUuid = asString(payload.postUuid) ?? null;
		flattened.messageUuid = asString(payload.routeUuid) ?? null;
	}
	if (['newSubscriber', 'purchaseReceived', 'tipReceived'].includes(event)) {
		// Fanvue sends amounts in minor units (cents for USD).
		flattened.priceInCents = typeof payload.price === 'number' ? payload.price : null;
	}
	return { ...flattened, payload };
}

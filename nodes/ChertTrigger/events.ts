import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

/**
 * The events Chert documents for webhook subscriptions (docs.trychert.com/api/webhook-subscriptions,
 * /api/receiving-replies). `*` subscribes to all: Chert's own "omit events, or send []".
 */
export const ALL_EVENTS = '*';

export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Message Received',
		value: 'message.received',
		description: 'A lead replied: Chert delivers it in real time (message.received)',
	},
	{
		name: 'Reaction Added',
		value: 'reaction.added',
		description: 'A lead reacted to a message (reaction.added)',
	},
	{
		name: 'Reaction Removed',
		value: 'reaction.removed',
		description: 'A lead took a reaction back (reaction.removed)',
	},
	{
		name: 'Lead Reply (Legacy)',
		value: 'lead_reply',
		description: "Chert's older summary-style reply notification (lead_reply)",
	},
	{
		name: 'All Events',
		value: ALL_EVENTS,
		description: 'Every event Chert sends to this subscription',
	},
];

const asObject = (value: unknown): IDataObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: {};

const asString = (value: unknown): string | undefined =>
	typeof value === 'string' && value !== '' ? value : undefined;

/** A handle is `{handle, service, is_me}` in the envelope; a plain string in legacy aliases. */
const handleOf = (value: unknown): string | undefined =>
	asString(value) ?? asString(asObject(value).handle);

/** The event's name: the envelope's `event` (or `event_type`), else X-Webhook-Event. */
export function eventNameOf(envelope: IDataObject, header: string | undefined): string {
	return asString(envelope.event) ?? asString(envelope.event_type) ?? header ?? '';
}

/** Chert's dedupe key: event_id, also sent as X-Webhook-Event-Id. */
export function eventIdOf(envelope: IDataObject, header: string | undefined): string | undefined {
	return asString(envelope.event_id) ?? header;
}

/** The Events chosen, in Chert's terms: undefined subscribes to all events. */
export function subscribedEvents(chosen: string[]): string[] | undefined {
	if (chosen.length === 0 || chosen.includes(ALL_EVENTS)) return undefined;
	return [...chosen].sort();
}

export function isWanted(event: string, chosen: string[]): boolean {
	return subscribedEvents(chosen)?.includes(event) ?? true;
}

/**
 * The fields a workflow needs first, from the paths Chert's field map names, falling back to the
 * top-level aliases some legacy deliveries carry (from, to, text, message_guid, line_id).
 * `chatId` is what the Chert node's Message → Send takes as Chat ID.
 */
export function toOutput(
	envelope: IDataObject,
	event: string,
	eventId: string | undefined,
): IDataObject {
	const data = asObject(envelope.data);
	const chat = asObject(data.chat);
	const message = asObject(data.message);
	const parts = Array.isArray(message.parts) ? (message.parts as unknown[]).map(asObject) : [];
	const textPart = parts.find((part) => part.type === 'text');
	return {
		event,
		eventId: eventId ?? null,
		chatId: asString(chat.id) ?? asString(envelope.chat_id) ?? null,
		from: handleOf(message.sender_handle) ?? handleOf(envelope.from) ?? null,
		to: handleOf(chat.owner_handle) ?? handleOf(envelope.to) ?? null,
		text:
			(typeof textPart?.value === 'string' ? textPart.value : undefined) ??
			asString(envelope.text) ??
			null,
		messageId: asString(message.id) ?? asString(envelope.message_guid) ?? null,
		isGroup: typeof chat.is_group === 'boolean' ? chat.is_group : null,
		attachments: parts.filter((part) => part.type === 'media'),
		tenant: asString(envelope.partner_id) ?? null,
		envelope,
	};
}

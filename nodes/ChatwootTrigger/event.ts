import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

/**
 * What the trigger can start on. Chatwoot posts `webhook_data` of the model plus `event`
 * (app/listeners/webhook_listener.rb); a message's `message_type` is "incoming" (from the
 * contact), "outgoing" (an agent or bot), "activity" or "template".
 */
export const eventOptions: INodePropertyOptions[] = [
	{
		name: 'Incoming Message',
		value: 'message_created:incoming',
		description: 'A contact wrote a message (message_created, message_type incoming)',
	},
	{
		name: 'Outgoing Message',
		value: 'message_created:outgoing',
		description: 'An agent or bot answered, including private notes (message_type outgoing)',
	},
	{
		name: 'Message Updated',
		value: 'message_updated',
		description: 'A message changed, such as its delivery status (message_updated)',
	},
	{
		name: 'Conversation Created',
		value: 'conversation_created',
		description: 'A conversation was opened (conversation_created)',
	},
	{
		name: 'Conversation Status Changed',
		value: 'conversation_status_changed',
		description: 'A conversation was resolved, reopened, snoozed or set pending',
	},
	{
		name: 'Conversation Updated',
		value: 'conversation_updated',
		description: 'Any attribute of a conversation changed (conversation_updated)',
	},
	{
		name: 'Any Event',
		value: '*',
		description: 'Every event Chatwoot sends to this URL',
	},
];

function objectOf(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

function scalarOf(value: unknown): string | number | boolean | null {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
		? value
		: null;
}

export function eventName(body: IDataObject): string {
	return typeof body.event === 'string' ? body.event : '';
}

/** Whether the user's choice of events covers this delivery. */
export function isWanted(body: IDataObject, wanted: string[]): boolean {
	if (wanted.includes('*')) return true;
	const event = eventName(body);
	if (event === 'message_created') {
		const direction = body.message_type === 'incoming' ? 'incoming' : 'outgoing';
		return wanted.includes(`message_created:${direction}`);
	}
	return wanted.includes(event);
}

const isMessageEvent = (event: string) => event.startsWith('message_');
const isConversationEvent = (event: string) => event.startsWith('conversation_');

/**
 * Keys that tell a repeated delivery from a new event: Chatwoot's X-Chatwoot-Delivery (kept
 * across its retries) and, for events that happen once per record, the record itself, so the
 * same message posted by an account webhook and the inbox's own webhook starts one execution.
 */
export function deliveryKeys(body: IDataObject, deliveryId: string | undefined): string[] {
	const keys: string[] = [];
	if (deliveryId) keys.push(`delivery:${deliveryId}`);
	const event = eventName(body);
	const accountId = scalarOf(objectOf(body.account)?.id) ?? '';
	if ((event === 'message_created' || event === 'conversation_created') && body.id != null) {
		keys.push(`${event}:${accountId}:${scalarOf(body.id)}`);
	}
	return keys;
}

/** The fields a workflow needs first, read from where each event carries them. */
export function flattenEvent(body: IDataObject): IDataObject {
	const event = eventName(body);
	const conversation = isMessageEvent(event)
		? objectOf(body.conversation)
		: isConversationEvent(event)
			? (objectOf(body.conversation) ?? body)
			: undefined;
	const meta = objectOf(conversation?.meta);
	const sender = isMessageEvent(event)
		? objectOf(body.sender)
		: (objectOf(meta?.sender) ?? objectOf(body.user));
	const lastMessage = Array.isArray(conversation?.messages)
		? objectOf(conversation.messages.at(-1))
		: undefined;
	const message = isMessageEvent(event) ? body : lastMessage;
	return {
		event,
		conversationId: scalarOf(conversation?.id),
		contactIdentifier: scalarOf(objectOf(conversation?.contact_inbox)?.source_id),
		conversationStatus: scalarOf(conversation?.status),
		messageId: isMessageEvent(event) ? scalarOf(body.id) : null,
		content: scalarOf(message?.content),
		messageType: isMessageEvent(event) ? scalarOf(body.message_type) : null,
		private: isMessageEvent(event) ? body.private === true : null,
		senderName: scalarOf(sender?.name),
		senderEmail: scalarOf(sender?.email),
		senderType: scalarOf(sender?.type),
		accountId: scalarOf(objectOf(body.account)?.id),
		inboxId: scalarOf(objectOf(body.inbox)?.id) ?? scalarOf(conversation?.inbox_id),
	};
}

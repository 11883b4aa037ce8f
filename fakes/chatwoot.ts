import { createHmac, randomUUID } from 'node:crypto';

import { FakeServer, type FakeResponse, type LoggedRequest } from './fake-server';

export interface ChatwootInbox {
	identifier: string;
	id: number;
	name: string;
	/** Only API-channel inboxes serve the public API (Channel::Api.find_by!). */
	channel: 'api' | 'web_widget';
	hmacToken: string;
	/** "Enforce user identity validation" in the inbox settings. */
	hmacMandatory: boolean;
}

export interface ChatwootContact {
	id: number;
	name: string;
	email: string | null;
	phone_number: string | null;
	identifier: string | null;
	custom_attributes: Record<string, unknown>;
}

/** A contact_inbox row: a contact's presence in one inbox, addressed by source_id. */
export interface ChatwootContactInbox {
	inboxIdentifier: string;
	sourceId: string;
	contactId: number;
	hmacVerified: boolean;
}

export interface ChatwootConversation {
	id: number;
	uuid: string;
	inboxIdentifier: string;
	sourceId: string;
	contactId: number;
	custom_attributes: Record<string, unknown>;
	status: 'open' | 'resolved';
	messages: Array<{ id: number; content: string; echo_id?: string }>;
}

// Devise.email_regexp and Contact's phone_number validation.
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const PHONE = /^\+[1-9]\d{1,14}$/;

const NOT_FOUND: FakeResponse = { status: 404, body: { status: 404, error: 'Not Found' } };
// A raised StandardError (such as "HMAC failed: Invalid Identifier Hash Provided") in production.
const SERVER_ERROR: FakeResponse = {
	status: 500,
	body: { status: 500, error: 'Internal Server Error' },
};

/**
 * Chatwoot's public client API as its controllers behave (app/controllers/public/api/v1/inboxes):
 * every route under /public/api/v1/inboxes/{inbox_identifier}, 404 for an unknown or non-API
 * inbox and for a source_id that is not in the inbox, contacts found or created by source_id,
 * identity validation (HMAC) on contact creation, conversations and messages. Served at the root
 * and under /chatwoot, like a self-hosted install behind a sub-path.
 */
export class ChatwootFake extends FakeServer {
	readonly inboxes = new Map<string, ChatwootInbox>();
	readonly contacts: ChatwootContact[] = [];
	readonly contactInboxes: ChatwootContactInbox[] = [];
	readonly conversations: ChatwootConversation[] = [];
	private nextId = 1;

	constructor() {
		super();
		for (const prefix of ['', '/chatwoot']) {
			const base = `${prefix}/public/api/v1/inboxes/:inbox`;
			this.route('GET', base, (_request, { inbox }) =>
				this.inApiInbox(inbox, (found) => this.showInbox(found)),
			);
			this.route('POST', `${base}/contacts`, (request, { inbox }) =>
				this.inApiInbox(inbox, (found) => this.createContact(found, request)),
			);
			this.route('GET', `${base}/contacts/:contact/conversations`, (_request, { inbox, contact }) =>
				this.inApiInbox(inbox, (found) =>
					this.withContact(found, contact, (row) => this.listConversations(row)),
				),
			);
			this.route('POST', `${base}/contacts/:contact/conversations`, (request, { inbox, contact }) =>
				this.inApiInbox(inbox, (found) =>
					this.withContact(found, contact, (row) => this.createConversation(row, request)),
				),
			);
			this.route('GET', `${base}/contacts/:contact`, (request, { inbox, contact }) =>
				this.inApiInbox(inbox, (found) =>
					this.withContact(found, contact, (row) =>
						this.checkHmac(found, request.query ?? {}, () => this.showContact(row)),
					),
				),
			);
			this.route('PATCH', `${base}/contacts/:contact`, (request, { inbox, contact }) =>
				this.inApiInbox(inbox, (found) =>
					this.withContact(found, contact, (row) =>
						this.checkHmac(found, (request.body ?? {}) as Record<string, unknown>, () =>
							this.updateContact(row, request),
						),
					),
				),
			);
			this.route(
				'POST',
				`${base}/contacts/:contact/conversations/:conversation/toggle_status`,
				(_request, { inbox, contact, conversation }) =>
					this.inApiInbox(inbox, (found) =>
						this.withContact(found, contact, (row) => this.resolve(row, Number(conversation))),
					),
			);
			this.route(
				'POST',
				`${base}/contacts/:contact/conversations/:conversation/messages`,
				(request, { inbox, contact, conversation }) =>
					this.inApiInbox(inbox, (found) =>
						this.withContact(found, contact, (row) =>
							this.createMessage(row, Number(conversation), request),
						),
					),
			);
		}
		this.seed();
	}

	/** An API inbox, one with identity validation enforced, and a website inbox. */
	private seed(): void {
		this.inboxes.set('inboxApiSecret123', {
			identifier: 'inboxApiSecret123',
			id: 1,
			name: 'Forms',
			channel: 'api',
			hmacToken: 'hmacTokenForForms',
			hmacMandatory: false,
		});
		this.inboxes.set('inboxHmacSecret456', {
			identifier: 'inboxHmacSecret456',
			id: 2,
			name: 'Verified',
			channel: 'api',
			hmacToken: 'hmacTokenVerified789',
			hmacMandatory: true,
		});
		this.inboxes.set('websiteWidgetToken', {
			identifier: 'websiteWidgetToken',
			id: 3,
			name: 'Website',
			channel: 'web_widget',
			hmacToken: 'widgetHmacToken',
			hmacMandatory: false,
		});
	}

	override reset(): void {
		super.reset();
		this.contacts.length = 0;
		this.contactInboxes.length = 0;
		this.conversations.length = 0;
		this.nextId = 1;
	}

	/** An existing contact in an inbox, as an agent or an earlier workflow made it. */
	addContact(inboxIdentifier: string, fields: Partial<ChatwootContact> = {}): string {
		const contact: ChatwootContact = {
			id: this.nextId++,
			name: fields.name ?? 'Ada Lovelace',
			email: fields.email ?? null,
			phone_number: fields.phone_number ?? null,
			identifier: fields.identifier ?? null,
			custom_attributes: fields.custom_attributes ?? {},
		};
		this.contacts.push(contact);
		const sourceId = randomUUID();
		this.contactInboxes.push({
			inboxIdentifier,
			sourceId,
			contactId: contact.id,
			hmacVerified: false,
		});
		return sourceId;
	}

	/** rack-attack's throttled answer: 429, text/plain "Retry later", Retry-After if configured. */
	throttleNext(method: string, path: RegExp, retryAfterSeconds?: number): void {
		this.script(method, path, {
			status: 429,
			headers: retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {},
			body: 'Retry later\n',
		});
	}

	private inApiInbox(
		identifier: string,
		handler: (inbox: ChatwootInbox) => FakeResponse,
	): FakeResponse {
		const inbox = this.inboxes.get(identifier);
		if (!inbox || inbox.channel !== 'api') return NOT_FOUND;
		return handler(inbox);
	}

	private withContact(
		inbox: ChatwootInbox,
		sourceId: string,
		handler: (row: ChatwootContactInbox) => FakeResponse,
	): FakeResponse {
		const row = this.contactInboxes.find(
			(r) => r.inboxIdentifier === inbox.identifier && r.sourceId === sourceId,
		);
		return row ? handler(row) : NOT_FOUND;
	}

	private showInbox(inbox: ChatwootInbox): FakeResponse {
		return {
			status: 200,
			body: {
				identifier: inbox.identifier,
				identity_validation_enabled: inbox.hmacMandatory,
				name: inbox.name,
				timezone: 'UTC',
				working_hours: [],
				working_hours_enabled: false,
				csat_survey_enabled: false,
				greeting_enabled: false,
			},
		};
	}

	private createContact(inbox: ChatwootInbox, request: LoggedRequest): FakeResponse {
		const params = (request.body ?? {}) as Record<string, unknown>;
		const hash = params.identifier_hash;
		if ((typeof hash === 'string' && hash !== '') || inbox.hmacMandatory) {
			const expected = createHmac('sha256', inbox.hmacToken)
				.update(String(params.identifier ?? ''))
				.digest('hex');
			if (hash !== expected) return SERVER_ERROR;
		}
		const email = typeof params.email === 'string' ? params.email : null;
		const phone = typeof params.phone_number === 'string' ? params.phone_number : null;
		// PublicController rescues nothing: Rails answers a failed validation with its generic 422.
		if ((email && !EMAIL.test(email)) || (phone && !PHONE.test(phone))) {
			return { status: 422, body: { status: 422, error: 'Unprocessable Entity' } };
		}
		const sourceId = typeof params.source_id === 'string' ? params.source_id : randomUUID();
		let row = this.contactInboxes.find(
			(r) => r.inboxIdentifier === inbox.identifier && r.sourceId === sourceId,
		);
		if (!row) {
			const identifier = typeof params.identifier === 'string' ? params.identifier : null;
			let contact =
				(identifier && this.contacts.find((c) => c.identifier === identifier)) ||
				(email && this.contacts.find((c) => c.email === email)) ||
				(phone && this.contacts.find((c) => c.phone_number === phone)) ||
				undefined;
			if (!contact) {
				contact = {
					id: this.nextId++,
					name: typeof params.name === 'string' ? params.name : 'silent-morning-1234',
					email,
					phone_number: phone,
					identifier,
					custom_attributes: (params.custom_attributes as Record<string, unknown>) ?? {},
				};
				this.contacts.push(contact);
			}
			row = {
				inboxIdentifier: inbox.identifier,
				sourceId,
				contactId: contact.id,
				hmacVerified: typeof hash === 'string' && hash !== '',
			};
			this.contactInboxes.push(row);
		}
		const contact = this.contacts.find((c) => c.id === row.contactId)!;
		return {
			status: 200,
			body: {
				source_id: row.sourceId,
				pubsub_token: `pubsub-${row.sourceId.slice(0, 8)}`,
				id: contact.id,
				name: contact.name,
				email: contact.email,
				phone_number: contact.phone_number,
			},
		};
	}

	/** ContactsController#process_hmac: on show and update too, when sent or enforced. */
	private checkHmac(
		inbox: ChatwootInbox,
		params: Record<string, unknown>,
		handler: () => FakeResponse,
	): FakeResponse {
		const hash = params.identifier_hash;
		if ((typeof hash === 'string' && hash !== '') || inbox.hmacMandatory) {
			const expected = createHmac('sha256', inbox.hmacToken)
				.update(String(params.identifier ?? ''))
				.digest('hex');
			if (hash !== expected) return SERVER_ERROR;
		}
		return handler();
	}

	/** contacts/show.json.jbuilder: source_id, pubsub_token and the public contact. */
	private showContact(row: ChatwootContactInbox): FakeResponse {
		const contact = this.contacts.find((c) => c.id === row.contactId)!;
		return {
			status: 200,
			body: {
				source_id: row.sourceId,
				pubsub_token: `pubsub-${row.sourceId.slice(0, 8)}`,
				id: contact.id,
				name: contact.name,
				email: contact.email,
				phone_number: contact.phone_number,
			},
		};
	}

	/** ContactIdentifyAction: permitted fields merged into the contact; identifier is not changed. */
	private updateContact(row: ChatwootContactInbox, request: LoggedRequest): FakeResponse {
		const params = (request.body ?? {}) as Record<string, unknown>;
		const contact = this.contacts.find((c) => c.id === row.contactId)!;
		const email = typeof params.email === 'string' ? params.email : undefined;
		const phone = typeof params.phone_number === 'string' ? params.phone_number : undefined;
		if ((email && !EMAIL.test(email)) || (phone && !PHONE.test(phone))) {
			return { status: 422, body: { status: 422, error: 'Unprocessable Entity' } };
		}
		if (typeof params.name === 'string') contact.name = params.name;
		if (email) contact.email = email;
		if (phone) contact.phone_number = phone;
		if (params.custom_attributes && typeof params.custom_attributes === 'object') {
			contact.custom_attributes = {
				...contact.custom_attributes,
				...(params.custom_attributes as Record<string, unknown>),
			};
		}
		return {
			status: 200,
			body: { id: contact.id, name: contact.name, email: contact.email, source_id: row.sourceId },
		};
	}

	/** ConversationsController#toggle_status: only ever resolves; a resolved one stays as it is. */
	private resolve(row: ChatwootContactInbox, conversationId: number): FakeResponse {
		const conversation = this.conversations.find(
			(c) =>
				c.id === conversationId &&
				(row.hmacVerified ? c.contactId === row.contactId : c.sourceId === row.sourceId),
		);
		if (!conversation) return NOT_FOUND;
		conversation.status = 'resolved';
		const inbox = this.inboxes.get(row.inboxIdentifier)!;
		return { status: 200, body: this.publicConversation(conversation, inbox) };
	}

	private createConversation(row: ChatwootContactInbox, request: LoggedRequest): FakeResponse {
		const params = (request.body ?? {}) as Record<string, unknown>;
		const inbox = this.inboxes.get(row.inboxIdentifier)!;
		const conversation: ChatwootConversation = {
			id: this.conversations.length + 1,
			uuid: randomUUID(),
			inboxIdentifier: row.inboxIdentifier,
			sourceId: row.sourceId,
			contactId: row.contactId,
			custom_attributes: (params.custom_attributes as Record<string, unknown>) ?? {},
			status: 'open',
			messages: [],
		};
		this.conversations.push(conversation);
		return { status: 200, body: this.publicConversation(conversation, inbox) };
	}

	/**
	 * ConversationsController#index: a contact verified by HMAC sees all its conversations in the
	 * inbox; otherwise only those of this contact inbox (this source_id).
	 */
	private listConversations(row: ChatwootContactInbox): FakeResponse {
		const inbox = this.inboxes.get(row.inboxIdentifier)!;
		const listed = this.conversations.filter(
			(c) =>
				c.inboxIdentifier === row.inboxIdentifier &&
				(row.hmacVerified ? c.contactId === row.contactId : c.sourceId === row.sourceId),
		);
		return { status: 200, body: listed.map((c) => this.publicConversation(c, inbox)) };
	}

	/** The public_conversation shape of Chatwoot's client API (no custom attributes in it). */
	private publicConversation(conversation: ChatwootConversation, inbox: ChatwootInbox) {
		const contact = this.contacts.find((c) => c.id === conversation.contactId)!;
		return {
			id: conversation.id,
			uuid: conversation.uuid,
			inbox_id: inbox.id,
			contact_last_seen_at: 0,
			status: conversation.status,
			agent_last_seen_at: 0,
			messages: conversation.messages.map((m) => ({
				id: m.id,
				content: m.content,
				message_type: 0,
				content_type: 'text',
			})),
			contact: { ...contact, account_id: 1, blocked: false },
		};
	}

	private createMessage(
		row: ChatwootContactInbox,
		conversationId: number,
		request: LoggedRequest,
	): FakeResponse {
		const conversation = this.conversations.find(
			(c) => c.id === conversationId && c.contactId === row.contactId,
		);
		if (!conversation) return NOT_FOUND;
		const params = (request.body ?? {}) as Record<string, unknown>;
		const message = {
			id: 1000 + this.conversations.reduce((n, c) => n + c.messages.length, 0),
			content: String(params.content ?? ''),
			echo_id: typeof params.echo_id === 'string' ? params.echo_id : undefined,
		};
		conversation.messages.push(message);
		const contact = this.contacts.find((c) => c.id === row.contactId)!;
		return {
			status: 200,
			body: {
				id: message.id,
				content: message.content,
				message_type: 0,
				content_type: 'text',
				content_attributes: {},
				created_at: Math.floor(Date.now() / 1000),
				conversation_id: conversation.id,
				sender: { id: contact.id, name: contact.name, type: 'contact' },
			},
		};
	}
}

// The reliability matrix's cells: every node × every operation × the faults its provider can
// produce, bad inputs from expressions, and volume. A cell says what to script on the fake, what
// the input items are, and what outcome is expected; run.mjs runs it in a real n8n and judges it.
import { randomUUID } from 'node:crypto';

import { fanvueOAuth2Credential } from '../e2e/lib/fanvue-credential.mjs';

/** Every item's Max Wait for Rate Limits: room for a 429's fallback wait (Chatwoot: 10 s). */
export const MAX_WAIT_SECONDS = 20;
/** The node's request timeout (nodes/shared/request.ts); a slow answer takes longer. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const VOLUME = 1000;

const HTML_PAGE = (status) =>
	`<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body><h1>${status}</h1><p>upstream proxy page</p></body></html>`;
export const PLAIN_TEXT = 'upstream connect error or disconnect/reset before headers';
const TRUNCATED = '{"id": 4711, "status": "op';

const ADA = 'f0000000-0000-4000-8000-000000000001';
const INBOX = 'inboxApiSecret123';
const FROM = '+15555550100';
const LEAD = '+14155551234';
const PEER = '+14155559876';

const json = (status, body, headers = {}) => ({ status, body, headers });

/** Parameter helpers: every input is read from the item's `$json`. */
const $ = (key) => `={{ $json.${key} }}`;
const byId = (key) => ({ __rl: true, mode: 'id', value: $(key) });
const params = (resource, operation, more = {}) => ({ resource, operation, ...more });
/** The operation's checked field: its item key, the label its error names, a value it refuses. */
const checked = (key, label, invalid, more = {}) => ({ bad: { key, label, invalid, ...more } });
const required = (key, label, invalid, more = {}) =>
	checked(key, label, invalid, { required: true, ...more });
/** Items' markers say which item made what the fake stored: `<cell prefix>-<item index>`. */
const createdAs = (values) => ({
	created: (fake, _since, prefix) => values(fake).filter((v) => String(v ?? '').startsWith(prefix)),
});
/** The request faults are scripted on, whether sending it twice is harmless, what its 2xx holds. */
const request = (method, path, idempotent, answer) => ({ method, path, idempotent, answer });
/** A Get Many: a repeatable GET that lists, `limit` 5, answered in an envelope unless said otherwise. */
const list = (parameters, path, answer = 'envelope') => ({
	parameters: { ...parameters, limit: 5 },
	lists: true,
	...request('GET', path, true, answer),
});
/** Chert: one text part from the item's `text`; what the fake stored is each message's first part. */
const CHERT_PARTS = { part: [{ type: 'text', text: $('text') }] };
const CHERT_CREATED = createdAs((fake) => fake.messages.map((m) => m.parts?.[0]?.value));
/** A number is a conversation ID's form: Chatwoot itself says whether it exists. */
const CONVERSATION = required('conversation', 'Conversation ID', 'abc', {
	wellFormed: ['a number', 'an id of the wrong kind (numeric)'],
});

/**
 * The providers, each with its credential, the secrets that must never be stored, its error
 * envelope, and its operations. An operation states its parameters (reading every input from
 * `$json`), a good input item, the request that faults are scripted on, whether sending it twice
 * is harmless (`idempotent`), what its 2xx must hold (`answer`), its bad-input field, and how to
 * read what it created from the fake.
 */
export const PROVIDERS = {
	fanvue: {
		title: 'Fanvue',
		node: 'fanvue',
		credentialType: 'chatProvidersFanvueOAuth2Api',
		fakeFile: 'fanvue',
		async seed(fake) {
			// Fanvue's limits follow its headers: a big bucket keeps the volume runs unpaced.
			fake.useRateLimit(1_000_000, 60_000);
			fake.grant = fake.tokens.issueGrant();
			return {};
		},
		credential: (fake, name, baseUrl = fake.baseUrl) => {
			const credential = fanvueOAuth2Credential({ name }, fake, fake.grant);
			credential.data.apiBaseUrl = baseUrl;
			return credential;
		},
		/** Every token the fake issued, client secret included. */
		secrets: (fake) => [fake.clientSecret, ...fake.tokens.issued()],
		envelope: (status, message) => ({ error: 'Error', message }),
		transient: [502, 503, 504],
		unauthorized: 'refresh',
		ops: [
			{
				name: 'Chat → Create',
				parameters: params('chat', 'create', { fan: byId('fan') }),
				item: () => ({ fan: ADA }),
				...request('POST', /^\/chats$/, false, 'object'),
				...checked('fan', 'Fan', 'not-a-uuid'),
				// Chats are keyed by the fan: what the fake stored per create.
				created: (fake, since) => fake.chats.slice(since.chats),
				mark: (fake) => ({ chats: fake.chats.length }),
			},
			{
				name: 'Chat → Get Many',
				...list(params('chat', 'getMany', { options: { search: $('search') } }), /^\/chats$/),
				item: () => ({ search: '' }),
				...checked('search', 'Search', 'x'.repeat(101)),
			},
			{
				name: 'Message → Send',
				parameters: params('message', 'send', { fan: byId('fan'), text: $('text') }),
				item: (marker) => ({ fan: ADA, text: marker }),
				textKey: 'text',
				...request('POST', /^\/chats\/[^/]+\/message$/, false, 'fields'),
				...checked('fan', 'Fan', 'not-a-uuid'),
				...createdAs((fake) => fake.messages.map((m) => m.body.text)),
			},
		],
	},

	recoup: {
		title: 'Recoup',
		node: 'recoup',
		credentialType: 'chatProvidersRecoupApi',
		fakeFile: 'recoup',
		async seed(fake) {
			const chat = fake.addChat({ id: randomUUID(), topic: 'Seeded chat' }, ['hello', 'hi']);
			return { chatId: chat.id };
		},
		credential: (fake, name, baseUrl = fake.baseUrl) => ({
			name,
			type: 'chatProvidersRecoupApi',
			data: { apiKey: fake.apiKey, baseUrl },
		}),
		secrets: (fake) => [fake.apiKey],
		envelope: (status, message) => ({ status: 'error', message }),
		notFoundMessage: 'Chat room not found',
		// Every request the node makes to Recoup can be repeated: any 5xx is tried again.
		transient: [500, 502, 503, 504],
		ops: [
			{
				name: 'Chat → Create',
				parameters: params('chat', 'create', { artist: byId('artist'), topic: $('topic') }),
				item: (marker) => ({ artist: '', topic: marker }),
				textKey: 'topic',
				...request('POST', /^\/api\/chats$/, true, 'fields'),
				...checked('artist', 'Artist', 'not-a-uuid'),
				...createdAs((fake) => [...fake.chats.values()].map((c) => c.topic)),
			},
			{
				name: 'Chat → Get Many',
				...list(
					params('chat', 'getAll', { options: { accountId: $('account') } }),
					/^\/api\/chats$/,
				),
				item: () => ({ account: '' }),
				...checked('account', 'Account ID', 'not-a-uuid', { inOptions: true }),
			},
			{
				name: 'Chat → Get Messages',
				...list(
					params('chat', 'getMessages', { chatId: $('chat') }),
					/^\/api\/chats\/[^/]+\/messages$/,
				),
				item: (_marker, seeded) => ({ chat: seeded.chatId }),
				...required('chat', 'Chat ID', 'not-a-uuid'),
			},
			{
				name: 'Chat → Update Topic',
				parameters: params('chat', 'updateTopic', { chatId: $('chat'), topic: $('topic') }),
				item: (_marker, seeded) => ({ chat: seeded.chatId, topic: 'Tour dates' }),
				...request('PATCH', /^\/api\/chats$/, true, 'fields'),
				...required('chat', 'Chat ID', 'not-a-uuid'),
			},
			{
				name: 'Chat → Delete',
				parameters: params('chat', 'delete', { chatId: $('chat') }),
				// A chat that is not there is already deleted: the node says so, and does not fail.
				item: () => ({ chat: randomUUID() }),
				...request('DELETE', /^\/api\/chats$/, true, 'none'),
				notFound: 'output',
				...required('chat', 'Chat ID', 'not-a-uuid'),
			},
		],
	},

	chatwoot: {
		title: 'Chatwoot',
		node: 'chatwoot',
		credentialType: 'chatProvidersChatwootApi',
		fakeFile: 'chatwoot',
		async seed(fake) {
			const contact = fake.addContact(INBOX);
			const answer = await fetch(
				`${fake.baseUrl}/public/api/v1/inboxes/${INBOX}/contacts/${contact}/conversations`,
				{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
			);
			const conversation = await answer.json();
			return { contact, conversationId: conversation.id };
		},
		credential: (fake, name, baseUrl = fake.baseUrl) => ({
			name,
			type: 'chatProvidersChatwootApi',
			data: { baseUrl, inboxSecret: INBOX, contactIdentifier: '', hmacToken: '' },
		}),
		secrets: (fake) => [...fake.inboxes.values()].flatMap((i) => [i.identifier, i.hmacToken]),
		envelope: (status, message) => ({ status, error: message }),
		transient: [502, 503, 504],
		ops: [
			{
				name: 'Contact → Create',
				parameters: params('contact', 'create', { name: $('name'), email: $('email') }),
				item: (marker) => ({ name: marker, email: '' }),
				textKey: 'name',
				...request('POST', /\/contacts$/, true, 'fields'),
				...checked('email', 'Email', 'not-an-email'),
				...createdAs((fake) => fake.contacts.map((c) => c.name)),
			},
			{
				name: 'Contact → Get',
				parameters: params('contact', 'get', { contactIdentifier: $('contact') }),
				item: (_marker, seeded) => ({ contact: seeded.contact }),
				...request('GET', /\/contacts\/[^/]+$/, true, 'fields'),
				...required('contact', 'Contact Identifier', ''),
			},
			{
				name: 'Contact → Update',
				parameters: params('contact', 'update', {
					contactIdentifier: $('contact'),
					name: $('name'),
					phoneNumber: $('phone'),
				}),
				// A name as well: an empty phone number then leaves the phone as it is.
				item: (_marker, seeded) => ({ contact: seeded.contact, name: 'Ada', phone: LEAD }),
				...request('PATCH', /\/contacts\/[^/]+$/, true, 'fields'),
				...checked('phone', 'Phone Number', '555-not-a-number'),
			},
			{
				name: 'Conversation → Create',
				parameters: params('conversation', 'create', {
					contactIdentifier: $('contact'),
					customAttributes: { attribute: [{ key: 'tag', value: $('tag') }] },
				}),
				item: (marker, seeded) => ({ contact: seeded.contact, tag: marker }),
				textKey: 'tag',
				...request('POST', /\/contacts\/[^/]+\/conversations$/, false, 'fields'),
				...required('contact', 'Contact Identifier', ''),
				...createdAs((fake) => fake.conversations.map((c) => c.custom_attributes?.tag)),
			},
			{
				name: 'Conversation → Get Many',
				...list(
					params('conversation', 'getAll', { contactIdentifier: $('contact') }),
					/\/contacts\/[^/]+\/conversations$/,
					'list',
				),
				item: (_marker, seeded) => ({ contact: seeded.contact }),
				...required('contact', 'Contact Identifier', ''),
			},
			{
				name: 'Conversation → Resolve',
				parameters: params('conversation', 'resolve', {
					contactIdentifier: $('contact'),
					conversationId: $('conversation'),
				}),
				item: (_marker, seeded) => ({
					contact: seeded.contact,
					conversation: seeded.conversationId,
				}),
				...request('POST', /\/toggle_status$/, true, 'fields'),
				...CONVERSATION,
			},
			{
				name: 'Message → Send',
				parameters: params('message', 'send', {
					contactIdentifier: $('contact'),
					conversationId: $('conversation'),
					content: $('content'),
				}),
				item: (marker, seeded) => ({
					contact: seeded.contact,
					conversation: seeded.conversationId,
					content: marker,
				}),
				textKey: 'content',
				...request('POST', /\/messages$/, false, 'fields'),
				...CONVERSATION,
				...createdAs((fake) => fake.conversations.flatMap((c) => c.messages.map((m) => m.content))),
			},
		],
	},

	chert: {
		title: 'Chert',
		node: 'chert',
		credentialType: 'chatProvidersChertApi',
		fakeFile: 'chert',
		async seed(fake) {
			const answer = await fetch(`${fake.apiBaseUrl}/chats`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					authorization: `Bearer ${fake.singleTenant.signingSecret}`,
				},
				body: JSON.stringify({
					from: FROM,
					to: [PEER],
					message: { parts: [{ type: 'text', value: 'Seeded chat' }] },
				}),
			});
			const body = await answer.json();
			return { chatId: body.chat.id };
		},
		credential: (fake, name, baseUrl = fake.apiBaseUrl) => ({
			name,
			type: 'chatProvidersChertApi',
			data: {
				signingSecret: fake.singleTenant.signingSecret,
				baseUrl,
				authMethod: 'bearer',
				tenantSlug: '',
			},
		}),
		secrets: (fake) => [fake.singleTenant.signingSecret, fake.multiTenant.signingSecret],
		envelope: (status, message) => ({
			success: false,
			error: { status, code: status >= 500 ? 4001 : 2099, message, retryable: status >= 500 },
			trace_id: `trc_matrix_${status}`,
		}),
		// Chert's envelope says retryable: every 5xx in the matrix says so.
		transient: [500, 502, 503, 504],
		conflict: true,
		ops: [
			{
				name: 'Chat → Create',
				parameters: params('chat', 'create', {
					from: { __rl: true, mode: 'number', value: FROM },
					to: $('to'),
					parts: CHERT_PARTS,
				}),
				item: (marker) => ({ to: LEAD, text: marker }),
				textKey: 'text',
				...request('POST', /^\/api\/v1\/chats$/, true, 'fields'),
				...required('to', 'To', '555-not-a-number'),
				list: { key: 'to', value: [LEAD, LEAD] },
				...CHERT_CREATED,
			},
			{
				name: 'Message → Send',
				parameters: params('message', 'send', { chatId: $('chat'), parts: CHERT_PARTS }),
				item: (marker, seeded) => ({ chat: seeded.chatId, text: marker }),
				textKey: 'text',
				...request('POST', /^\/api\/v1\/chats\/[^/]+\/messages$/, true, 'fields'),
				...required('chat', 'Chat ID', 'a b'),
				...CHERT_CREATED,
			},
			{
				name: 'Message → Get Many',
				...list(
					params('message', 'getMany', { chatId: $('chat') }),
					/^\/api\/v1\/chats\/[^/]+\/messages$/,
				),
				item: (_marker, seeded) => ({ chat: seeded.chatId }),
				...required('chat', 'Chat ID', 'a b'),
			},
		],
	},
};

/** Whether a 2xx with this body is a result for an operation that needs `answer`. */
function fitsAnswer(answer, body) {
	if (answer === 'none') return true;
	if (body === '' || body === null || body === undefined) return false;
	if (answer === 'list') return Array.isArray(body);
	if (Array.isArray(body)) return false;
	// An object: Fanvue's create needs any object; the others a field, or a list inside.
	return answer === 'object';
}

/** A fault: what the fake answers first, the outcome expected, and the requests it must see. */
const fault = (name, script, expect, requests, more = {}) => ({
	name,
	script,
	expect,
	requests,
	...more,
});

/**
 * The faults, each once per operation: what the fake answers its first matching request (the
 * routes answer the rest), and the outcome expected. `expect` is 'output' (the item succeeds,
 * after the retries it takes) or 'error' (a clear node error); `mayHaveActed`: the error must say
 * the provider may have acted; `requests`: how many requests the fake must have seen.
 */
export function faultsFor(provider, op) {
	const { envelope, transient, title } = provider;
	const retried = (status) => op.idempotent && transient.includes(status);
	/** Not repeatable and the provider may have acted: a server error, an answer lost. */
	const uncertain = !op.idempotent && op.method !== 'GET';
	const answer = (status, message, headers) => [json(status, envelope(status, message), headers)];
	const tooMany = (headers) => answer(429, 'Too many requests', headers);
	/** A refusal: a clear node error after one request, whose description names the status. */
	const refused = (status, message, more) =>
		fault(`${status}`, answer(status, message), 'error', 1, {
			description: new RegExp(`HTTP ${status}`),
			...more,
		});
	/** A 200 the node cannot read: an error titled with the provider and the status. */
	const unreadable = (name, headers, body) =>
		fault(name, [{ status: 200, headers, body }], 'error', 1, {
			mayHaveActed: uncertain,
			title: new RegExp(`^${title}: HTTP 200`),
		});
	// The fake's routes never see these requests: an output item here stands for nothing created.
	const broken = (name, reply, body) =>
		fault(name, [reply], fitsAnswer(op.answer, body) ? 'output' : 'error', 1, {
			mayHaveActed: uncertain,
			createdExactly: op.created ? 0 : undefined,
		});
	/** The answer never arrives: a repeatable request is sent again, any other fails. */
	const lost = (name, script, more) =>
		fault(name, script, op.idempotent ? 'output' : 'error', op.idempotent ? 2 : 1, {
			mayHaveActed: uncertain,
			...more,
		});

	const faults = [
		fault('429, Retry-After in seconds', tooMany({ 'retry-after': '1' }), 'output', 2),
		fault(
			'429, Retry-After as an HTTP date',
			() => tooMany({ 'retry-after': new Date(Date.now() + 2000).toUTCString() }),
			'output',
			2,
		),
		fault('429 without Retry-After', tooMany(), 'output', 2),
		// The node keeps to that Retry-After for every request with the credential (its pacer
		// is per credential): the cell has a credential of its own, so later cells are not held.
		fault('429 beyond Max Wait', tooMany({ 'retry-after': '3600' }), 'error', 1, {
			title: /Rate limit reached; try again after/,
			ownCredential: true,
		}),
	];
	for (const status of [500, 502, 503, 504]) {
		const outcome = [retried(status) ? 'output' : 'error', retried(status) ? 2 : 1];
		const mayHaveActed = uncertain && status !== 503;
		faults.push(
			fault(
				`${status}, provider's JSON`,
				answer(status, `Upstream failure ${status}`),
				...outcome,
				{
					mayHaveActed,
					description: new RegExp(`HTTP ${status}`),
				},
			),
			fault(
				`${status}, HTML page`,
				[{ status, headers: { 'content-type': 'text/html' }, body: HTML_PAGE(status) }],
				...outcome,
				{ mayHaveActed, title: new RegExp(`^${title}: HTTP ${status}`) },
			),
		);
	}
	faults.push(
		unreadable('200, plain text', { 'content-type': 'text/plain' }, PLAIN_TEXT),
		broken('200, empty body', { status: 200, body: '' }, ''),
		unreadable('200, JSON cut short', { 'content-type': 'application/json' }, TRUNCATED),
		broken('200, a JSON array', json(200, []), []),
		broken(
			'200, JSON null',
			{ status: 200, headers: { 'content-type': 'application/json' }, body: 'null' },
			null,
		),
		broken('200, a field missing', json(200, { unexpected: true }), { unexpected: true }),
		lost(
			'slower than the request timeout',
			[{ status: 200, body: {}, delayMs: REQUEST_TIMEOUT_MS + 2000 }],
			{ slow: true },
		),
		lost('connection dropped before acting', [{ status: 200, drop: true }]),
		// What the provider did before the answer was lost: one, never two.
		lost('connection dropped after acting', [{ status: 200, afterActing: true }], {
			createdExactly: op.created ? 1 : undefined,
		}),
		fault('connection refused', undefined, 'error', 0, { refused: true, title: /Could not reach/ }),
	);
	const unauthorized = [json(401, { error: 'Unauthorized' })];
	faults.push(
		...(provider.unauthorized === 'refresh'
			? [
					fault('401, expired token: refreshed once', unauthorized, 'output', 2),
					fault('401, refresh refused (invalid_grant)', unauthorized, 'error', 1, {
						token: [json(400, { error: 'invalid_grant', error_description: 'revoked' })],
						description: /reconnect|Reconnect/,
					}),
				]
			: [
					refused(401, 'Unauthorized: key expired', { name: '401, expired key' }),
					refused(401, 'Unauthorized: key revoked', { name: '401, revoked key' }),
				]),
		refused(403, 'Forbidden for this key', { hinted: true }),
		fault('404', answer(404, provider.notFoundMessage ?? 'Not found'), op.notFound ?? 'error', 1, {
			description: op.notFound ? undefined : /HTTP 404/,
		}),
	);
	if (provider.conflict && op.method === 'POST') {
		faults.push(refused(409, 'Idempotency key reused with another body'));
	}
	return faults;
}

/** Bad inputs from expressions, put into the operation's checked field. */
export function badInputsFor(op) {
	const inputs = [
		['a number', 42],
		['an object', { id: 'x' }],
		['an array', ['x', 'y']],
		['null', null],
		['an empty string', ''],
		['whitespace only', '   \t '],
		['100,000 characters', 'x'.repeat(100_000)],
		['emoji, RTL and combining characters', 'héllo 👋🏽 مرحبا e\u0301'],
		['an id of the wrong kind (numeric)', '12345'],
		['an E.164 number with spaces and dashes', '+1 415-555-1234'],
		['its own invalid value', op.bad.invalid],
	];
	if (op.list) inputs.push(['duplicate list entries', op.list.value]);
	const cells = inputs.map(([name, value]) => ({
		name: `${op.bad.label}: ${name}`,
		value,
		wellFormed: op.bad.wellFormed?.includes(name),
	}));
	// Free text goes out exactly as typed, whatever it holds: the same inputs in the text field.
	if (op.textKey) {
		for (const [name, value] of inputs.slice(0, 8)) {
			cells.push({ name: `text field: ${name}`, value, key: op.textKey });
		}
	}
	return cells;
}

/** The volume runs: 0 and 1 items, then 1,000 with good items, bad inputs and faults mixed. */
export function volumesFor() {
	return [
		{ name: '0 items', count: 0 },
		{ name: '1 item', count: 1 },
		{ name: `${VOLUME} items, Continue On Fail`, count: VOLUME, continueOnFail: true },
		{
			name: `${VOLUME} items, Continue On Fail + Retry On Fail`,
			count: VOLUME,
			continueOnFail: true,
			retryOnFail: true,
		},
		{ name: `${VOLUME} items, stop on the first failure`, count: VOLUME },
		{ name: `${VOLUME} items, Retry On Fail`, count: VOLUME, retryOnFail: true },
	];
}

/** In a 1,000-item run: which items carry a bad input, and which meet a fault. */
export const mixedItem = (i) => (i % 10 === 3 ? 'bad' : i % 10 === 7 ? 'fault' : 'good');

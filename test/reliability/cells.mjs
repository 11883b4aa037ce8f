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

/** Items' markers say which item made what the fake stored: `<cell prefix>-<item index>`. */
const byPrefix = (values, prefix) => values.filter((v) => String(v ?? '').startsWith(prefix));

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
				parameters: {
					resource: 'chat',
					operation: 'create',
					fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
				},
				item: () => ({ fan: ADA }),
				method: 'POST',
				path: /^\/chats$/,
				idempotent: false,
				answer: 'object',
				bad: { key: 'fan', label: 'Fan', invalid: 'not-a-uuid' },
				// Chats are keyed by the fan: what the fake stored per create.
				created: (fake, since) => fake.chats.slice(since.chats),
				mark: (fake) => ({ chats: fake.chats.length }),
			},
			{
				name: 'Chat → Get Many',
				parameters: {
					resource: 'chat',
					operation: 'getMany',
					options: { search: '={{ $json.search }}' },
					limit: 5,
				},
				lists: true,
				item: () => ({ search: '' }),
				method: 'GET',
				path: /^\/chats$/,
				idempotent: true,
				answer: 'envelope',
				bad: { key: 'search', label: 'Search', invalid: 'x'.repeat(101) },
			},
			{
				name: 'Message → Send',
				parameters: {
					resource: 'message',
					operation: 'send',
					fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
					text: '={{ $json.text }}',
				},
				item: (marker) => ({ fan: ADA, text: marker }),
				textKey: 'text',
				method: 'POST',
				path: /^\/chats\/[^/]+\/message$/,
				idempotent: false,
				answer: 'fields',
				bad: { key: 'fan', label: 'Fan', invalid: 'not-a-uuid' },
				created: (fake, _since, prefix) =>
					byPrefix(
						fake.messages.map((m) => m.body.text),
						prefix,
					),
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
				parameters: {
					resource: 'chat',
					operation: 'create',
					artist: { __rl: true, mode: 'id', value: '={{ $json.artist }}' },
					topic: '={{ $json.topic }}',
				},
				item: (marker) => ({ artist: '', topic: marker }),
				textKey: 'topic',
				method: 'POST',
				path: /^\/api\/chats$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'artist', label: 'Artist', invalid: 'not-a-uuid' },
				created: (fake, _since, prefix) =>
					byPrefix(
						[...fake.chats.values()].map((c) => c.topic),
						prefix,
					),
			},
			{
				name: 'Chat → Get Many',
				parameters: {
					resource: 'chat',
					operation: 'getAll',
					options: { accountId: '={{ $json.account }}' },
					limit: 5,
				},
				lists: true,
				item: () => ({ account: '' }),
				method: 'GET',
				path: /^\/api\/chats$/,
				idempotent: true,
				answer: 'envelope',
				bad: { key: 'account', label: 'Account ID', invalid: 'not-a-uuid', inOptions: true },
			},
			{
				name: 'Chat → Get Messages',
				parameters: {
					resource: 'chat',
					operation: 'getMessages',
					chatId: '={{ $json.chat }}',
					limit: 5,
				},
				lists: true,
				item: (_marker, seeded) => ({ chat: seeded.chatId }),
				method: 'GET',
				path: /^\/api\/chats\/[^/]+\/messages$/,
				idempotent: true,
				answer: 'envelope',
				bad: { key: 'chat', label: 'Chat ID', invalid: 'not-a-uuid', required: true },
			},
			{
				name: 'Chat → Update Topic',
				parameters: {
					resource: 'chat',
					operation: 'updateTopic',
					chatId: '={{ $json.chat }}',
					topic: '={{ $json.topic }}',
				},
				item: (_marker, seeded) => ({ chat: seeded.chatId, topic: 'Tour dates' }),
				method: 'PATCH',
				path: /^\/api\/chats$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'chat', label: 'Chat ID', invalid: 'not-a-uuid', required: true },
			},
			{
				name: 'Chat → Delete',
				parameters: { resource: 'chat', operation: 'delete', chatId: '={{ $json.chat }}' },
				// A chat that is not there is already deleted: the node says so, and does not fail.
				item: () => ({ chat: randomUUID() }),
				method: 'DELETE',
				path: /^\/api\/chats$/,
				idempotent: true,
				answer: 'none',
				notFound: 'output',
				bad: { key: 'chat', label: 'Chat ID', invalid: 'not-a-uuid', required: true },
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
				parameters: {
					resource: 'contact',
					operation: 'create',
					name: '={{ $json.name }}',
					email: '={{ $json.email }}',
				},
				item: (marker) => ({ name: marker, email: '' }),
				textKey: 'name',
				method: 'POST',
				path: /\/contacts$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'email', label: 'Email', invalid: 'not-an-email' },
				created: (fake, _since, prefix) =>
					byPrefix(
						fake.contacts.map((c) => c.name),
						prefix,
					),
			},
			{
				name: 'Contact → Get',
				parameters: {
					resource: 'contact',
					operation: 'get',
					contactIdentifier: '={{ $json.contact }}',
				},
				item: (_marker, seeded) => ({ contact: seeded.contact }),
				method: 'GET',
				path: /\/contacts\/[^/]+$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'contact', label: 'Contact Identifier', invalid: '', required: true },
			},
			{
				name: 'Contact → Update',
				parameters: {
					resource: 'contact',
					operation: 'update',
					contactIdentifier: '={{ $json.contact }}',
					name: '={{ $json.name }}',
					phoneNumber: '={{ $json.phone }}',
				},
				// A name as well: an empty phone number then leaves the phone as it is.
				item: (_marker, seeded) => ({ contact: seeded.contact, name: 'Ada', phone: LEAD }),
				method: 'PATCH',
				path: /\/contacts\/[^/]+$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'phone', label: 'Phone Number', invalid: '555-not-a-number' },
			},
			{
				name: 'Conversation → Create',
				parameters: {
					resource: 'conversation',
					operation: 'create',
					contactIdentifier: '={{ $json.contact }}',
					customAttributes: { attribute: [{ key: 'tag', value: '={{ $json.tag }}' }] },
				},
				item: (marker, seeded) => ({ contact: seeded.contact, tag: marker }),
				textKey: 'tag',
				method: 'POST',
				path: /\/contacts\/[^/]+\/conversations$/,
				idempotent: false,
				answer: 'fields',
				bad: { key: 'contact', label: 'Contact Identifier', invalid: '', required: true },
				created: (fake, _since, prefix) =>
					byPrefix(
						fake.conversations.map((c) => c.custom_attributes?.tag),
						prefix,
					),
			},
			{
				name: 'Conversation → Get Many',
				parameters: {
					resource: 'conversation',
					operation: 'getAll',
					contactIdentifier: '={{ $json.contact }}',
					limit: 5,
				},
				lists: true,
				item: (_marker, seeded) => ({ contact: seeded.contact }),
				method: 'GET',
				path: /\/contacts\/[^/]+\/conversations$/,
				idempotent: true,
				answer: 'list',
				bad: { key: 'contact', label: 'Contact Identifier', invalid: '', required: true },
			},
			{
				name: 'Conversation → Resolve',
				parameters: {
					resource: 'conversation',
					operation: 'resolve',
					contactIdentifier: '={{ $json.contact }}',
					conversationId: '={{ $json.conversation }}',
				},
				item: (_marker, seeded) => ({
					contact: seeded.contact,
					conversation: seeded.conversationId,
				}),
				method: 'POST',
				path: /\/toggle_status$/,
				idempotent: true,
				answer: 'fields',
				// A number is a conversation ID's form: Chatwoot itself says whether it exists.
				bad: {
					key: 'conversation',
					label: 'Conversation ID',
					invalid: 'abc',
					required: true,
					wellFormed: ['a number', 'an id of the wrong kind (numeric)'],
				},
			},
			{
				name: 'Message → Send',
				parameters: {
					resource: 'message',
					operation: 'send',
					contactIdentifier: '={{ $json.contact }}',
					conversationId: '={{ $json.conversation }}',
					content: '={{ $json.content }}',
				},
				item: (marker, seeded) => ({
					contact: seeded.contact,
					conversation: seeded.conversationId,
					content: marker,
				}),
				textKey: 'content',
				method: 'POST',
				path: /\/messages$/,
				idempotent: false,
				answer: 'fields',
				// A number is a conversation ID's form: Chatwoot itself says whether it exists.
				bad: {
					key: 'conversation',
					label: 'Conversation ID',
					invalid: 'abc',
					required: true,
					wellFormed: ['a number', 'an id of the wrong kind (numeric)'],
				},
				created: (fake, _since, prefix) =>
					byPrefix(
						fake.conversations.flatMap((c) => c.messages.map((m) => m.content)),
						prefix,
					),
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
				parameters: {
					resource: 'chat',
					operation: 'create',
					from: { __rl: true, mode: 'number', value: FROM },
					to: '={{ $json.to }}',
					parts: { part: [{ type: 'text', text: '={{ $json.text }}' }] },
				},
				item: (marker) => ({ to: LEAD, text: marker }),
				textKey: 'text',
				method: 'POST',
				path: /^\/api\/v1\/chats$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'to', label: 'To', invalid: '555-not-a-number', required: true },
				list: { key: 'to', value: [LEAD, LEAD] },
				created: (fake, _since, prefix) =>
					byPrefix(
						fake.messages.map((m) => m.parts?.[0]?.value),
						prefix,
					),
			},
			{
				name: 'Message → Send',
				parameters: {
					resource: 'message',
					operation: 'send',
					chatId: '={{ $json.chat }}',
					parts: { part: [{ type: 'text', text: '={{ $json.text }}' }] },
				},
				item: (marker, seeded) => ({ chat: seeded.chatId, text: marker }),
				textKey: 'text',
				method: 'POST',
				path: /^\/api\/v1\/chats\/[^/]+\/messages$/,
				idempotent: true,
				answer: 'fields',
				bad: { key: 'chat', label: 'Chat ID', invalid: 'a b', required: true },
				created: (fake, _since, prefix) =>
					byPrefix(
						fake.messages.map((m) => m.parts?.[0]?.value),
						prefix,
					),
			},
			{
				name: 'Message → Get Many',
				parameters: {
					resource: 'message',
					operation: 'getMany',
					chatId: '={{ $json.chat }}',
					limit: 5,
				},
				lists: true,
				item: (_marker, seeded) => ({ chat: seeded.chatId }),
				method: 'GET',
				path: /^\/api\/v1\/chats\/[^/]+\/messages$/,
				idempotent: true,
				answer: 'envelope',
				bad: { key: 'chat', label: 'Chat ID', invalid: 'a b', required: true },
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

/**
 * The faults, each once per operation: what the fake answers its first matching request (the
 * routes answer the rest), and the outcome expected. `expect` is 'output' (the item succeeds,
 * after the retries it takes) or 'error' (a clear node error); `mayHaveActed`: the error must say
 * the provider may have acted; `requests`: how many requests the fake must have seen.
 */
export function faultsFor(provider, op) {
	const { envelope, transient } = provider;
	const retried = (status) => op.idempotent && transient.includes(status);
	/** Not repeatable and the provider may have acted: a server error, an answer lost. */
	const uncertain = !op.idempotent && op.method !== 'GET';
	const faults = [
		{
			name: '429, Retry-After in seconds',
			script: [json(429, envelope(429, 'Too many requests'), { 'retry-after': '1' })],
			expect: 'output',
			requests: 2,
		},
		{
			name: '429, Retry-After as an HTTP date',
			script: () => [
				json(429, envelope(429, 'Too many requests'), {
					'retry-after': new Date(Date.now() + 2000).toUTCString(),
				}),
			],
			expect: 'output',
			requests: 2,
		},
		{
			name: '429 without Retry-After',
			script: [json(429, envelope(429, 'Too many requests'))],
			expect: 'output',
			requests: 2,
		},
		{
			name: '429 beyond Max Wait',
			script: [json(429, envelope(429, 'Too many requests'), { 'retry-after': '3600' })],
			expect: 'error',
			title: /Rate limit reached; try again after/,
			requests: 1,
			// The node keeps to that Retry-After for every request with the credential (its pacer
			// is per credential): the cell has a credential of its own, so later cells are not held.
			ownCredential: true,
		},
	];
	for (const status of [500, 502, 503, 504]) {
		const mayHaveActed = uncertain && status !== 503;
		faults.push({
			name: `${status}, provider's JSON`,
			script: [json(status, envelope(status, `Upstream failure ${status}`))],
			expect: retried(status) ? 'output' : 'error',
			mayHaveActed,
			requests: retried(status) ? 2 : 1,
			description: new RegExp(`HTTP ${status}`),
		});
		faults.push({
			name: `${status}, HTML page`,
			script: [{ status, headers: { 'content-type': 'text/html' }, body: HTML_PAGE(status) }],
			expect: retried(status) ? 'output' : 'error',
			mayHaveActed,
			requests: retried(status) ? 2 : 1,
			title: new RegExp(`^${provider.title}: HTTP ${status}`),
		});
	}
	// The fake's routes never see these requests: an output item here stands for nothing created.
	const broken = (name, answer, body) => ({
		name,
		script: [answer],
		expect: fitsAnswer(op.answer, body) ? 'output' : 'error',
		mayHaveActed: uncertain,
		requests: 1,
		createdExactly: op.created ? 0 : undefined,
	});
	faults.push(
		{
			name: '200, plain text',
			script: [{ status: 200, headers: { 'content-type': 'text/plain' }, body: PLAIN_TEXT }],
			expect: 'error',
			mayHaveActed: uncertain,
			requests: 1,
			title: new RegExp(`^${provider.title}: HTTP 200`),
		},
		broken('200, empty body', { status: 200, body: '' }, ''),
		{
			name: '200, JSON cut short',
			script: [{ status: 200, headers: { 'content-type': 'application/json' }, body: TRUNCATED }],
			expect: 'error',
			mayHaveActed: uncertain,
			requests: 1,
			title: new RegExp(`^${provider.title}: HTTP 200`),
		},
		broken('200, a JSON array', json(200, []), []),
		broken(
			'200, JSON null',
			{ status: 200, headers: { 'content-type': 'application/json' }, body: 'null' },
			null,
		),
		broken('200, a field missing', json(200, { unexpected: true }), { unexpected: true }),
		{
			name: 'slower than the request timeout',
			script: [{ status: 200, body: {}, delayMs: REQUEST_TIMEOUT_MS + 2000 }],
			expect: op.idempotent ? 'output' : 'error',
			mayHaveActed: uncertain,
			requests: op.idempotent ? 2 : 1,
			slow: true,
		},
		{
			name: 'connection dropped before acting',
			script: [{ status: 200, drop: true }],
			expect: op.idempotent ? 'output' : 'error',
			mayHaveActed: uncertain,
			requests: op.idempotent ? 2 : 1,
		},
		{
			name: 'connection dropped after acting',
			script: [{ status: 200, afterActing: true }],
			expect: op.idempotent ? 'output' : 'error',
			mayHaveActed: uncertain,
			requests: op.idempotent ? 2 : 1,
			// What the provider did before the answer was lost: one, never two.
			createdExactly: op.created ? 1 : undefined,
		},
		{
			name: 'connection refused',
			refused: true,
			expect: 'error',
			title: /Could not reach/,
			requests: 0,
		},
	);
	if (provider.unauthorized === 'refresh') {
		faults.push(
			{
				name: '401, expired token: refreshed once',
				script: [json(401, { error: 'Unauthorized' })],
				expect: 'output',
				requests: 2,
			},
			{
				name: '401, refresh refused (invalid_grant)',
				script: [json(401, { error: 'Unauthorized' })],
				token: [json(400, { error: 'invalid_grant', error_description: 'revoked' })],
				expect: 'error',
				requests: 1,
				description: /reconnect|Reconnect/,
			},
		);
	} else {
		faults.push(
			{
				name: '401, expired key',
				script: [json(401, envelope(401, 'Unauthorized: key expired'))],
				expect: 'error',
				requests: 1,
				description: /HTTP 401/,
			},
			{
				name: '401, revoked key',
				script: [json(401, envelope(401, 'Unauthorized: key revoked'))],
				expect: 'error',
				requests: 1,
				description: /HTTP 401/,
			},
		);
	}
	faults.push(
		{
			name: '403',
			script: [json(403, envelope(403, 'Forbidden for this key'))],
			expect: 'error',
			requests: 1,
			description: /HTTP 403/,
			hinted: true,
		},
		{
			name: '404',
			script: [json(404, envelope(404, provider.notFoundMessage ?? 'Not found'))],
			expect: op.notFound ?? 'error',
			requests: 1,
			description: op.notFound ? undefined : /HTTP 404/,
		},
	);
	if (provider.conflict && op.method === 'POST') {
		faults.push({
			name: '409',
			script: [json(409, envelope(409, 'Idempotency key reused with another body'))],
			expect: 'error',
			requests: 1,
			description: /HTTP 409/,
		});
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

import { createHmac } from 'node:crypto';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
} from 'n8n-workflow';

import { ChatwootApi } from '../credentials/ChatwootApi.credentials';
import { Chatwoot } from '../nodes/Chatwoot/Chatwoot.node';
import { runNode, type NodeRunResult, type RunNodeOptions } from './engine/run-node';
import { ChatwootFake } from '../fakes/chatwoot';
import { codexLinks, readmeAnchors, repositoryUrl } from './readme-links';

const fake = new ChatwootFake();
const INBOX = 'inboxApiSecret123';
const HMAC_INBOX = 'inboxHmacSecret456';
const WEBSITE_INBOX = 'websiteWidgetToken';
const SECRETS = [...fake.inboxes.values()].flatMap((inbox) => [inbox.identifier, inbox.hmacToken]);

beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

const PREFIX = `/public/api/v1/inboxes/${INBOX}`;
const conversationsPath = (sourceId: string, inbox = INBOX) =>
	`/public/api/v1/inboxes/${inbox}/contacts/${sourceId}/conversations`;

function expectNoSecret(value: unknown) {
	const text = JSON.stringify(value) ?? '';
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

type RunExtra = Omit<Partial<RunNodeOptions>, 'credentials'> & {
	items?: INodeExecutionData[];
	/** Credential fields that differ from the default API inbox. */
	credentials?: Record<string, string>;
};

/** Runs the node on the fake; every run also checks that no secret reached the output or error. */
async function run(
	parameters: Record<string, unknown>,
	extra: RunExtra = {},
): Promise<NodeRunResult> {
	const { credentials, ...options } = extra;
	const result = await runNode({
		nodeType: new Chatwoot(),
		credentialTypes: [new ChatwootApi()],
		parameters: { resource: 'conversation', operation: 'create', ...parameters },
		...options,
		credentials: {
			chatProvidersChatwootApi: {
				baseUrl: `${fake.baseUrl}/`,
				inboxSecret: INBOX,
				contactIdentifier: '',
				hmacToken: '',
				...credentials,
			} as ICredentialDataDecryptedObject,
		},
	});
	expectNoSecret(result.items);
	expectNoSecret(result.error);
	expectNoSecret(result.error?.description);
	return result;
}

const hmac = (token: string, identifier: string) =>
	createHmac('sha256', token).update(identifier).digest('hex');

describe('Chatwoot › credential test: GET the inbox', () => {
	const credentialType = new ChatwootApi();
	const nodeTypes: INodeTypes = {
		getByName: () => new Chatwoot() as INodeType,
		getByNameAndVersion: () => new Chatwoot() as INodeType,
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'n',
		name: 'Chatwoot',
		type: 'chatwoot',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });

	/**
	 * What n8n's credential tester does: resolve the request with $credentials, send it, apply the
	 * rules. Only the rules on the answer's body take effect: for a failed request n8n has lost the
	 * status code (test/e2e runs the real tester).
	 */
	async function testCredential(credentials: Record<string, string>) {
		const resolve = (value: string) =>
			String(
				workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				),
			);
		const { request, rules } = credentialType.test;
		const url = `${resolve(request.baseURL!).replace(/\/+$/, '')}/${resolve(request.url!).replace(/^\/+/, '')}`;
		const response = await fetch(url, { method: request.method });
		if (!response.ok && !request.ignoreHttpStatusErrors) {
			return { status: 'Error', message: `HTTP ${response.status}`, url };
		}
		const body: unknown = await response.json().catch(() => undefined);
		const rule = rules?.find(
			(r) =>
				r.type === 'responseSuccessBody' &&
				(body as Record<string, unknown> | undefined)?.[r.properties.key] === r.properties.value,
		);
		return rule
			? { status: 'Error', message: rule.properties.message, url }
			: { status: 'OK', url };
	}

	it('succeeds for an API inbox, with a trailing slash and a sub-path in the base URL', async () => {
		const result = await testCredential({
			baseUrl: ` ${fake.baseUrl}/chatwoot// `,
			inboxSecret: INBOX,
		});
		expect(result.status).toBe('OK');
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`GET /chatwoot/public/api/v1/inboxes/${INBOX}`,
		]);
	});

	it.each([
		['an unknown identifier', 'notAnInbox999'],
		['a website inbox', WEBSITE_INBOX],
	])('fails at save time with a clear message for %s', async (_case, identifier) => {
		const result = await testCredential({ baseUrl: fake.baseUrl, inboxSecret: identifier });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('No API-channel inbox with this Inbox Identifier');
		expect(result.message).not.toContain(identifier);
		expect(fake.requests).toHaveLength(1);
	});
});

describe('Chatwoot › Create Conversation: cost per item', () => {
	it('reads the credential once per node run: the public API needs it for no request', async () => {
		const sourceId = fake.addContact(INBOX);
		const items = Array.from({ length: 10 }, () => ({ json: {} }));
		const result = await run(
			{ contactSource: 'credential' },
			{ credentials: { contactIdentifier: sourceId }, items },
		);
		expect(result.items).toHaveLength(10);
		expect(result.credentialsHelper.reads).toBe(1);
	});
});

describe('Chatwoot › Create Conversation: the contact', () => {
	it("uses the credential's default contact identifier", async () => {
		const sourceId = fake.addContact(INBOX);
		const result = await run(
			{ contactSource: 'credential' },
			{ credentials: { contactIdentifier: sourceId } },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`POST ${conversationsPath(sourceId)}`,
		]);
		expect(fake.requests[0].rawBody).toBe('');
		expect(result.items[0].json).toMatchObject({
			id: 1,
			status: 'open',
			contactIdentifier: sourceId,
		});
	});

	it('uses a contact identifier given per item by an expression', async () => {
		const first = fake.addContact(INBOX, { name: 'First' });
		const second = fake.addContact(INBOX, { name: 'Second' });
		const result = await run(
			{ contactSource: 'identifier', contactIdentifier: '={{ $json.sourceId }}' },
			{ items: [{ json: { sourceId: first } }, { json: { sourceId: second } }] },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => r.path).sort()).toEqual(
			[conversationsPath(first), conversationsPath(second)].sort(),
		);
		expect(result.items.map((i) => i.json.contactIdentifier)).toEqual([first, second]);
		expect(result.items.map((i) => (i.json.contact as { name: string }).name)).toEqual([
			'First',
			'Second',
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('creates the contact first (no HMAC token: no identifier_hash) and uses its source_id', async () => {
		const result = await run({
			contactSource: 'create',
			contactName: 'Grace Hopper',
			contactEmail: 'grace@example.com',
			contactPhoneNumber: '+1 (415) 555-1234',
			externalIdentifier: 'crm-42',
			contactAttributes: { attribute: [{ key: 'plan', value: 'pro' }] },
			options: { contactAttributesJson: '{"seats": 12}' },
		});
		expect(result.error).toBeUndefined();
		const [createContact, createConversation] = fake.requests;
		expect(createContact.path).toBe(`${PREFIX}/contacts`);
		expect(createContact.body).toEqual({
			name: 'Grace Hopper',
			email: 'grace@example.com',
			phone_number: '+14155551234',
			identifier: 'crm-42',
			custom_attributes: { plan: 'pro', seats: 12 },
			source_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		const sourceId = (createContact.body as { source_id: string }).source_id;
		expect(createConversation.path).toBe(conversationsPath(sourceId));
		expect(result.items[0].json).toMatchObject({
			contactIdentifier: sourceId,
			contact: { name: 'Grace Hopper', identifier: 'crm-42' },
		});
	});

	it('sends identifier_hash = HMAC-SHA256 of the identifier when the credential has an HMAC token', async () => {
		const token = fake.inboxes.get(HMAC_INBOX)!.hmacToken;
		const result = await run(
			{ contactSource: 'create', contactName: 'Verified', externalIdentifier: 'user-7' },
			{ credentials: { inboxSecret: HMAC_INBOX, hmacToken: token } },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toMatchObject({
			identifier: 'user-7',
			identifier_hash: hmac(token, 'user-7'),
		});
		expect(fake.contactInboxes[0].hmacVerified).toBe(true);
		expect(fake.conversations).toHaveLength(1);
	});

	it('a wrong HMAC token: says the token does not match the inbox, and creates no conversation', async () => {
		const result = await run(
			{ contactSource: 'create', externalIdentifier: 'user-7' },
			{ credentials: { inboxSecret: HMAC_INBOX, hmacToken: 'notTheInboxToken' } },
		);
		expect(result.error?.message).toBe('Chatwoot: Internal Server Error');
		expect(result.error?.description).toContain(
			'the HMAC token in the Chatwoot credential does not match this inbox',
		);
		expect(fake.requestsTo('POST', `/public/api/v1/inboxes/${HMAC_INBOX}/contacts`)).toHaveLength(
			1,
		);
		expect(fake.conversations).toHaveLength(0);
	});

	it('an inbox that enforces identity validation, without an HMAC token: says to add it', async () => {
		const result = await run(
			{ contactSource: 'create', externalIdentifier: 'user-7' },
			{ credentials: { inboxSecret: HMAC_INBOX } },
		);
		expect(fake.requests[0].body).not.toHaveProperty('identifier_hash');
		expect(result.error?.message).toBe('Chatwoot: Internal Server Error');
		expect(result.error?.description).toContain(
			"add the inbox's HMAC token to the Chatwoot credential",
		);
	});

	it('reuses the contact when the node is re-run for the same item (same source_id)', async () => {
		fake.script('POST', new RegExp(`${PREFIX}/contacts/[^/]+/conversations$`), {
			status: 503,
			body: 'Service Unavailable',
		});
		const result = await run(
			{ contactSource: 'create', contactEmail: 'ada@example.com' },
			{ retryOnFail: { maxTries: 2, waitBetweenTries: 0 } },
		);
		expect(result.error).toBeUndefined();
		const contactCalls = fake.requestsTo('POST', `${PREFIX}/contacts`);
		expect(contactCalls).toHaveLength(2);
		expect(contactCalls[0].rawBody).toBe(contactCalls[1].rawBody);
		expect(fake.contacts).toHaveLength(1);
		expect(fake.contactInboxes).toHaveLength(1);
		expect(fake.conversations).toHaveLength(1);
	});
});

describe('Chatwoot › Create Conversation: custom attributes', () => {
	it('sends key/value pairs merged with the JSON (JSON wins)', async () => {
		const sourceId = fake.addContact(INBOX);
		const result = await run({
			contactIdentifier: sourceId,
			customAttributes: {
				attribute: [
					{ key: 'source', value: 'form' },
					{ key: 'priority', value: 'low' },
				],
			},
			options: { customAttributesJson: '{"priority": "high", "score": 7}' },
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({
			custom_attributes: { source: 'form', priority: 'high', score: 7 },
		});
		expect(fake.conversations[0].custom_attributes).toEqual({
			source: 'form',
			priority: 'high',
			score: 7,
		});
	});
});

describe('Chatwoot › Create Conversation: first message', () => {
	it('sends the first message exactly as typed, and none for whitespace only', async () => {
		const sourceId = fake.addContact(INBOX);
		const typed = '  Hi Ada,\n\n  thanks for writing!  \n';
		await run({ contactIdentifier: sourceId, firstMessage: typed });
		expect((fake.requests[1].body as { content: string }).content).toBe(typed);
		fake.reset();
		const other = fake.addContact(INBOX);
		await run({ contactIdentifier: other, firstMessage: ' \n ' });
		expect(fake.requestsTo('POST', /\/messages$/)).toHaveLength(0);
	});

	it('posts the first message after the conversation exists, with an echo_id', async () => {
		const sourceId = fake.addContact(INBOX);
		const result = await run({ contactIdentifier: sourceId, firstMessage: 'Hello from the form' });
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => r.path)).toEqual([
			conversationsPath(sourceId),
			`${conversationsPath(sourceId)}/1/messages`,
		]);
		expect(fake.requests[1].body).toEqual({
			content: 'Hello from the form',
			echo_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		expect(fake.conversations[0].messages).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			id: 1,
			uuid: expect.any(String),
			inbox_id: 1,
			status: 'open',
			messages: [],
			contactIdentifier: sourceId,
			firstMessage: {
				sent: true,
				echoId: (fake.requests[1].body as { echo_id: string }).echo_id,
				message: { id: expect.any(Number), content: 'Hello from the form', conversation_id: 1 },
			},
		});
	});

	it('conversation created, message failed: the item says so with the conversation id, and nothing is created twice', async () => {
		const sourceId = fake.addContact(INBOX);
		fake.script('POST', /\/messages$/, {
			status: 500,
			body: { status: 500, error: 'Internal Server Error' },
		});
		const result = await run(
			{ contactIdentifier: sourceId, firstMessage: 'Hello' },
			{ retryOnFail: { maxTries: 3, waitBetweenTries: 0 } },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			id: 1,
			contactIdentifier: sourceId,
			firstMessage: {
				sent: false,
				conversationId: 1,
				error: 'Chatwoot: Internal Server Error',
				statusCode: 500,
			},
		});
		const { description } = result.items[0].json.firstMessage as { description: string };
		expect(description).toContain('Conversation 1 was created, but its first message was not sent');
		expect(description).toContain('post the message to conversation 1 instead');
		expect(fake.conversations).toHaveLength(1);
		// A message POST is not idempotent: a 500 is not retried.
		expect(fake.requestsTo('POST', /\/messages$/)).toHaveLength(1);
	});
});

describe('Chatwoot › Create Conversation: never twice for one item', () => {
	it("n8n's Retry On Fail re-runs the node without opening second conversations for items that succeeded", async () => {
		const steady = fake.addContact(INBOX, { name: 'Steady' });
		const flaky = fake.addContact(INBOX, { name: 'Flaky' });
		// Turned away (503): the retry may create it. After a 500 or a timeout it would not (below).
		fake.script('POST', conversationsPath(flaky), {
			status: 503,
			body: '<html>Service Unavailable</html>',
		});
		const result = await run(
			{ contactIdentifier: '={{ $json.contact }}', options: { parallelRequests: 1 } },
			{
				items: [
					{ json: { contact: steady } },
					{ json: { contact: flaky } },
					{ json: { contact: steady } },
				],
				retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
			},
		);
		expect(result.error).toBeUndefined();
		// Run 1: item 0 created, item 1 got a 503 (a create is not retried inside the node), so
		// the node failed. Run 2: item 0 is handed back as it was, items 1 and 2 are created.
		expect(fake.requestsTo('POST', conversationsPath(steady))).toHaveLength(2);
		expect(fake.requestsTo('POST', conversationsPath(flaky))).toHaveLength(2);
		expect(fake.conversations.map((c) => c.sourceId)).toEqual([steady, flaky, steady]);
		expect(result.items.map((i) => i.json.id)).toEqual([1, 2, 3]);
	});

	it('a new execution creates a new conversation', async () => {
		const sourceId = fake.addContact(INBOX);
		await run({ contactIdentifier: sourceId }, { executionId: 'exec-1' });
		await run({ contactIdentifier: sourceId }, { executionId: 'exec-2' });
		expect(fake.conversations).toHaveLength(2);
	});
});

describe('Chatwoot › Create Conversation: self-hosted base URLs', () => {
	it.each([
		['a sub-path with a trailing slash', '/chatwoot/', '/chatwoot'],
		['a sub-path without a trailing slash', '/chatwoot', '/chatwoot'],
		['several trailing slashes', '///', ''],
	])('%s', async (_case, suffix, pathPrefix) => {
		const sourceId = fake.addContact(INBOX);
		const result = await run(
			{ contactIdentifier: sourceId, firstMessage: 'hi' },
			{ credentials: { baseUrl: `${fake.baseUrl}${suffix}` } },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => r.path)).toEqual([
			`${pathPrefix}${conversationsPath(sourceId)}`,
			`${pathPrefix}${conversationsPath(sourceId)}/1/messages`,
		]);
	});

	it('refuses a base URL that is not http or https', async () => {
		const result = await run(
			{ contactIdentifier: 'x' },
			{ credentials: { baseUrl: 'chat.example.com' } },
		);
		expect(result.error?.message).toBe(
			'The Base URL in the Chatwoot credential must start with http:// or https://',
		);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Chatwoot › Create Conversation: errors', () => {
	it('404 for an unknown contact: explains the two usual causes', async () => {
		const result = await run({ contactIdentifier: 'not-a-source-id' });
		expect(result.error?.message).toBe('Chatwoot: Not Found');
		expect(result.error?.description).toContain(
			'Only inboxes of the API channel type serve this API',
		);
		expect(result.error?.description).toContain('is not the source_id of a contact in this inbox');
		expect(result.error?.description).toContain('HTTP 404');
		expect(fake.requests).toHaveLength(1);
	});

	it('404 for a website inbox when creating a contact: names the inbox as the cause', async () => {
		const result = await run(
			{ contactSource: 'create', contactName: 'X' },
			{ credentials: { inboxSecret: WEBSITE_INBOX } },
		);
		expect(result.error?.message).toBe('Chatwoot: Not Found');
		expect(result.error?.description).toContain('Chatwoot found no API inbox with this identifier');
		expect(fake.requests).toHaveLength(1);
	});

	it('429 with a plain-text body: waits for Retry-After, then creates once', async () => {
		const sourceId = fake.addContact(INBOX);
		fake.throttleNext('POST', /\/conversations$/, 1);
		const started = Date.now();
		const result = await run({ contactIdentifier: sourceId });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(fake.requestsTo('POST', conversationsPath(sourceId))).toHaveLength(2);
		expect(fake.conversations).toHaveLength(1);
	});

	it('an answer that echoes the request path (a proxy, Rails routing errors) shows no inbox identifier', async () => {
		const sourceId = fake.addContact(INBOX);
		fake.script('POST', /\/conversations$/, {
			status: 404,
			body: `No route matches [POST] "${conversationsPath(sourceId)}"`,
		});
		const result = await run({ contactIdentifier: sourceId });
		expect(result.error?.message).toBe('Chatwoot: HTTP 404 Not Found');
		expect(result.error?.description).toContain(
			'it was plain text ("No route matches [POST] "/public/api/v1/inboxes/[redacted]/contacts/',
		);
		expect(JSON.stringify(result.error)).not.toContain(INBOX);
	});

	it('the same holds for a first message that failed', async () => {
		const sourceId = fake.addContact(INBOX);
		fake.script('POST', /\/messages$/, { status: 404, body: `Not found: ${PREFIX}` });
		const result = await run({ contactIdentifier: sourceId, firstMessage: 'hi' });
		expect(result.items[0].json.firstMessage).toMatchObject({
			sent: false,
			error: 'Chatwoot: HTTP 404 Not Found',
			description: expect.stringContaining('("Not found: /public/api/v1/inboxes/[redacted]")'),
		});
	});

	it('an unreachable base URL names Chatwoot and the cause', async () => {
		const result = await run(
			{ contactIdentifier: 'abc' },
			{ credentials: { baseUrl: 'http://127.0.0.1:9' } },
		);
		expect(result.error?.message).toContain('Could not reach Chatwoot');
	});
});

describe('Chatwoot › Create Conversation: bad input is refused before sending', () => {
	it.each([
		[
			'empty contact identifier',
			{ contactIdentifier: '={{ "  " }}' },
			{},
			'Contact Identifier is required [item 0]',
		],
		// Found by the reliability matrix: these went to Chatwoot and came back "Not Found" (or 431).
		[
			"a contact's number instead of its identifier",
			{ contactIdentifier: '={{ 12345 }}' },
			{},
			'Contact Identifier "12345" is not a contact identifier [item 0]',
		],
		[
			'an identifier with spaces',
			{ contactIdentifier: '+1 415-555-1234' },
			{},
			'Contact Identifier "+1 415-555-1234" is not a contact identifier [item 0]',
		],
		[
			'100,000 characters',
			{ contactIdentifier: `={{ "${'x'.repeat(1000)}".repeat(100) }}` },
			{},
			'Contact Identifier must be at most 255 characters, but has 100000 [item 0]',
		],
		[
			'empty default in the credential',
			{ contactSource: 'credential' },
			{},
			"The credential's Default Contact Identifier is empty [item 0]",
		],
		[
			'invalid email',
			{ contactSource: 'create', contactEmail: 'grace@' },
			{},
			'Email must be an email address, but got "grace@" [item 0]',
		],
		[
			'invalid phone',
			{ contactSource: 'create', contactPhoneNumber: '0415 555' },
			{},
			'Phone Number must be a phone number in E.164 format, but got "0415 555" [item 0]',
		],
		[
			'HMAC token without an identifier',
			{ contactSource: 'create', contactName: 'X' },
			{ hmacToken: 'hmacTokenForForms' },
			'External Identifier is required when the credential has an HMAC token [item 0]',
		],
		[
			'attribute without a key',
			{ contactIdentifier: 'abc', customAttributes: { attribute: [{ key: '', value: 'x' }] } },
			{},
			'Custom Attributes has an attribute without a key [item 0]',
		],
		[
			'custom attributes JSON that is not an object',
			{ contactIdentifier: 'abc', options: { customAttributesJson: '[1, 2]' } },
			{},
			'Custom Attributes (JSON) must be a JSON object, but the value is a list [item 0]',
		],
	])('%s', async (_case, parameters, credentials, message) => {
		const result = await run(parameters, { credentials });
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it('names the item that is wrong', async () => {
		const result = await run(
			{
				contactSource: 'create',
				contactEmail: '={{ $json.email }}',
				options: { parallelRequests: 1 },
			},
			{ items: [{ json: { email: 'ok@example.com' } }, { json: { email: 'nope' } }] },
		);
		expect(result.error?.message).toBe('Email must be an email address, but got "nope" [item 1]');
	});
});

describe('Chatwoot › Create Conversation: Continue On Fail', () => {
	it('keeps going past bad input and a 404, with pairedItem on every output', async () => {
		const sourceId = fake.addContact(INBOX);
		const result = await run(
			{ contactIdentifier: '={{ $json.contact }}', firstMessage: '={{ $json.text }}' },
			{
				continueOnFail: true,
				items: [
					{ json: { contact: sourceId, text: 'one' } },
					{ json: { contact: '', text: 'two' } },
					{ json: { contact: 'unknown-contact', text: 'three' } },
					{ json: { contact: sourceId, text: 'four' } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(result.items[0].json).toMatchObject({
			contactIdentifier: sourceId,
			firstMessage: { sent: true },
		});
		expect(result.items[1].json.error).toBe('Contact Identifier is required [item 1]');
		expect(result.items[2].json).toMatchObject({ error: 'Chatwoot: Not Found', statusCode: 404 });
		expect(result.items[2].json.description).toContain('two usual causes');
		expect(result.items[3].json).toMatchObject({ firstMessage: { sent: true } });
		expect(fake.conversations).toHaveLength(2);
	});
});

describe('Chatwoot › Message → Send', () => {
	const messagesPath = (sourceId: string, id: number) =>
		`${conversationsPath(sourceId)}/${id}/messages`;
	async function openConversation(sourceId: string) {
		await run({ contactIdentifier: sourceId }, { executionId: `setup-${sourceId}` });
		fake.requests.length = 0;
	}

	it('posts content exactly as typed with an echo_id, to the conversation of the given contact', async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		const typed = '  Thanks!\n See you  ';
		const result = await run({
			resource: 'message',
			operation: 'send',
			contactIdentifier: sourceId,
			conversationId: '1',
			content: typed,
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`POST ${messagesPath(sourceId, 1)}`,
		]);
		expect(fake.requests[0].body).toEqual({
			content: typed,
			echo_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		expect(result.items[0].json).toMatchObject({
			content: typed,
			conversation_id: 1,
			echoId: (fake.requests[0].body as { echo_id: string }).echo_id,
			contactIdentifier: sourceId,
		});
		expect(fake.conversations[0].messages).toHaveLength(1);
	});

	it("an empty Contact Identifier uses the credential's Default Contact Identifier", async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		const result = await run(
			{ resource: 'message', operation: 'send', conversationId: '1', content: 'hi' },
			{ credentials: { contactIdentifier: sourceId } },
		);
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].path).toBe(messagesPath(sourceId, 1));
	});

	it.each([
		[
			'no contact anywhere',
			{ conversationId: '1', content: 'hi' },
			"The credential's Default Contact Identifier is empty [item 0]",
		],
		[
			'a conversation uuid instead of its number',
			{ contactIdentifier: 'abc', conversationId: 'b3c1-uuid', content: 'hi' },
			'Conversation ID must be a number, but got "b3c1-uuid" [item 0]',
		],
		[
			'no conversation',
			{ contactIdentifier: 'abc', conversationId: '={{ " " }}', content: 'hi' },
			'Conversation ID is required [item 0]',
		],
		[
			'whitespace-only content',
			{ contactIdentifier: 'abc', conversationId: '1', content: ' \n ' },
			'Content is required [item 0]',
		],
	])('refuses %s before sending', async (_case, parameters, message) => {
		const result = await run({ resource: 'message', operation: 'send', ...parameters });
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it("404 for a conversation of another contact, in Chatwoot's words", async () => {
		const sourceId = fake.addContact(INBOX);
		const result = await run({
			resource: 'message',
			operation: 'send',
			contactIdentifier: sourceId,
			conversationId: '99',
			content: 'hi',
		});
		expect(result.error?.message).toBe('Chatwoot: Not Found');
		expect(result.error?.description).toContain('no longer found the conversation');
	});

	it('a dropped connection after the message reached Chatwoot is not sent again, even with Retry On Fail', async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		fake.script('POST', /\/messages$/, { status: 200, drop: true });
		const result = await run(
			{
				resource: 'message',
				operation: 'send',
				contactIdentifier: sourceId,
				conversationId: '1',
				content: 'once',
			},
			{ retryOnFail: { maxTries: 3, waitBetweenTries: 0 } },
		);
		expect(result.error?.message).toBe(
			'The message may already be posted: an earlier try of this item failed after its request reached Chatwoot',
		);
		expect(fake.requestsTo('POST', /\/messages$/)).toHaveLength(1);
	});

	// The node waits 30 s for an answer: Chatwoot stored the message when it took the request.
	it('a timeout after the message reached Chatwoot is not sent again, even with Retry On Fail', async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		fake.script('POST', /\/messages$/, { status: 200, delayMs: 31_000, body: {} });
		const result = await run(
			{
				resource: 'message',
				operation: 'send',
				contactIdentifier: sourceId,
				conversationId: '1',
				content: 'once',
			},
			{ retryOnFail: { maxTries: 3, waitBetweenTries: 0 } },
		);
		expect(result.error?.message).toBe(
			'The message may already be posted: an earlier try of this item failed after its request reached Chatwoot',
		);
		expect(fake.requestsTo('POST', /\/messages$/)).toHaveLength(1);
	}, 45_000);

	it('a 500 is not retried: Chatwoot may have posted it', async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		fake.script('POST', /\/messages$/, {
			status: 500,
			body: { status: 500, error: 'Internal Server Error' },
		});
		const result = await run({
			resource: 'message',
			operation: 'send',
			contactIdentifier: sourceId,
			conversationId: '1',
			content: 'once',
		});
		expect(result.error?.message).toBe('Chatwoot: Internal Server Error');
		expect(fake.requestsTo('POST', /\/messages$/)).toHaveLength(1);
	});

	it('429 with Retry-After: waits, then posts once', async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		fake.throttleNext('POST', /\/messages$/, 1);
		const started = Date.now();
		const result = await run({
			resource: 'message',
			operation: 'send',
			contactIdentifier: sourceId,
			conversationId: '1',
			content: 'hi',
		});
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(fake.conversations[0].messages).toHaveLength(1);
	});

	it('Continue On Fail: a bad item among good ones, pairedItem kept', async () => {
		const sourceId = fake.addContact(INBOX);
		await openConversation(sourceId);
		const result = await run(
			{
				resource: 'message',
				operation: 'send',
				contactIdentifier: sourceId,
				conversationId: '={{ $json.id }}',
				content: 'hi',
			},
			{
				continueOnFail: true,
				items: [{ json: { id: 1 } }, { json: { id: 'x' } }, { json: { id: 1 } }],
			},
		);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[1].json.error).toBe(
			'Conversation ID must be a number, but got "x" [item 1]',
		);
		expect(fake.conversations[0].messages).toHaveLength(2);
	});
});

describe('Chatwoot › Conversation → Get Many and Resolve', () => {
	// Each its own execution, as in n8n: a pinned execution id shared with another test would be
	// answered from that test's finished run (Retry On Fail's memory of completed items).
	async function threeConversations(sourceId: string) {
		for (let made = 0; made < 3; made++) await run({ contactIdentifier: sourceId });
		fake.requests.length = 0;
	}

	it('one item per conversation of the contact, newest first, up to Limit', async () => {
		const sourceId = fake.addContact(INBOX);
		await threeConversations(sourceId);
		const limited = await run({ operation: 'getAll', contactIdentifier: sourceId, limit: 2 });
		expect(limited.items.map((i) => i.json.id)).toEqual([3, 2]);
		expect(limited.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		const all = await run({ operation: 'getAll', contactIdentifier: sourceId, returnAll: true });
		expect(all.items.map((i) => i.json.id)).toEqual([3, 2, 1]);
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`GET ${conversationsPath(sourceId)}`,
			`GET ${conversationsPath(sourceId)}`,
		]);
	});

	it.each([
		['a fraction', 2.5, 'Limit must be a whole number of at least 1, but got "2.5" [item 0]'],
		['zero', 0, 'Limit must be a whole number of at least 1, but got "0" [item 0]'],
	])('refuses a Limit that is %s before sending', async (_case, limit, message) => {
		const result = await run({ operation: 'getAll', contactIdentifier: 'abc', limit });
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it('a read is retried after a 503', async () => {
		const sourceId = fake.addContact(INBOX);
		await threeConversations(sourceId);
		fake.script('GET', /\/conversations$/, { status: 503, body: 'Service Unavailable' });
		const result = await run({ operation: 'getAll', contactIdentifier: sourceId, returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
	});

	it('Resolve marks the conversation resolved; resolving again changes nothing', async () => {
		const sourceId = fake.addContact(INBOX);
		await threeConversations(sourceId);
		const first = await run({
			operation: 'resolve',
			contactIdentifier: sourceId,
			conversationId: '2',
		});
		expect(first.items[0].json).toMatchObject({ id: 2, status: 'resolved' });
		const again = await run({
			operation: 'resolve',
			contactIdentifier: sourceId,
			conversationId: '2',
		});
		expect(again.items[0].json).toMatchObject({ id: 2, status: 'resolved' });
		expect(fake.conversations.map((c) => c.status)).toEqual(['open', 'resolved', 'open']);
		expect(fake.requests[0].path).toBe(`${conversationsPath(sourceId)}/2/toggle_status`);
	});
});

describe('Chatwoot › follow-up errors: a hint for the step that failed', () => {
	const SERVER_ERROR = { status: 500, body: { status: 500, error: 'Internal Server Error' } };

	it.each([
		['Get Many', { operation: 'getAll' }, 'GET', /\/conversations$/, 'while listing'],
		[
			'Resolve',
			{ operation: 'resolve', conversationId: '1' },
			'POST',
			/\/toggle_status$/,
			'while resolving the conversation',
		],
	])(
		'a 500 on %s says what failed, not "creating the conversation"',
		async (_op, parameters, method, path, hint) => {
			const sourceId = fake.addContact(INBOX);
			await run({ contactIdentifier: sourceId });
			fake.script(method, path, SERVER_ERROR);
			const result = await run({ contactIdentifier: sourceId, ...parameters });
			expect(result.error?.message).toBe('Chatwoot: Internal Server Error');
			expect(result.error?.description).toContain(hint);
			expect(result.error?.description).not.toContain('creating the conversation');
		},
	);

	it('Resolve of a conversation the contact does not have: 404 names the conversation ID', async () => {
		const sourceId = fake.addContact(INBOX);
		const result = await run({
			operation: 'resolve',
			contactIdentifier: sourceId,
			conversationId: '7',
		});
		expect(result.error?.message).toBe('Chatwoot: Not Found');
		expect(result.error?.description).toContain('no conversation with this ID for this contact');
	});

	it.each([
		['Get', { operation: 'get' }],
		['Update', { operation: 'update', name: 'Ada' }],
	])(
		'Contact → %s of an unknown contact identifier: 404 names the contact as a cause',
		async (_op, parameters) => {
			const result = await run({
				resource: 'contact',
				contactIdentifier: 'not-a-source-id',
				...parameters,
			});
			expect(result.error?.message).toBe('Chatwoot: Not Found');
			expect(result.error?.description).toContain(
				'is not the source_id of a contact in this inbox',
			);
		},
	);
});

describe('Chatwoot › Contact → Create, Get, Update', () => {
	it('Create sends the fields and a source_id kept for this item; its contactIdentifier is the source_id', async () => {
		const result = await run({
			resource: 'contact',
			operation: 'create',
			name: 'Grace',
			email: 'grace@example.com',
			phoneNumber: '+1 415 555 1234',
			externalIdentifier: 'crm-1',
			contactAttributes: { attribute: [{ key: 'plan', value: 'pro' }] },
			options: { contactAttributesJson: '{"seats": 3}' },
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({
			name: 'Grace',
			email: 'grace@example.com',
			phone_number: '+14155551234',
			identifier: 'crm-1',
			custom_attributes: { plan: 'pro', seats: 3 },
			source_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		expect(result.items[0].json.contactIdentifier).toBe(
			(fake.requests[0].body as { source_id: string }).source_id,
		);
	});

	it('Create with the HMAC token signs the identifier; Get and Update on that inbox send it too', async () => {
		const token = fake.inboxes.get(HMAC_INBOX)!.hmacToken;
		const credentials = { inboxSecret: HMAC_INBOX, hmacToken: token };
		const created = await run(
			{ resource: 'contact', operation: 'create', externalIdentifier: 'u-9' },
			{ credentials },
		);
		expect(fake.requests[0].body).toMatchObject({
			identifier: 'u-9',
			identifier_hash: hmac(token, 'u-9'),
		});
		const sourceId = String(created.items[0].json.contactIdentifier);
		const got = await run(
			{
				resource: 'contact',
				operation: 'get',
				contactIdentifier: sourceId,
				externalIdentifier: 'u-9',
			},
			{ credentials },
		);
		expect(got.error).toBeUndefined();
		expect(fake.requests[1].query).toEqual({
			identifier: 'u-9',
			identifier_hash: hmac(token, 'u-9'),
		});
		const updated = await run(
			{
				resource: 'contact',
				operation: 'update',
				contactIdentifier: sourceId,
				externalIdentifier: 'u-9',
				name: 'New Name',
			},
			{ credentials },
		);
		expect(updated.error).toBeUndefined();
		expect(fake.requests[2].body).toEqual({
			name: 'New Name',
			identifier: 'u-9',
			identifier_hash: hmac(token, 'u-9'),
		});
		expect(fake.contacts[0].name).toBe('New Name');
	});

	it('Get without the identifier on an inbox that enforces identity validation: says to add the HMAC token', async () => {
		const sourceId = fake.addContact(HMAC_INBOX);
		const result = await run(
			{ resource: 'contact', operation: 'get', contactIdentifier: sourceId },
			{ credentials: { inboxSecret: HMAC_INBOX } },
		);
		expect(result.error?.message).toBe('Chatwoot: Internal Server Error');
		expect(result.error?.description).toContain("add the inbox's HMAC token");
	});

	it('Update changes only the fields given; nothing given is refused before sending', async () => {
		const sourceId = fake.addContact(INBOX, { name: 'Ada', email: 'ada@example.com' });
		const result = await run({
			resource: 'contact',
			operation: 'update',
			contactIdentifier: sourceId,
			phoneNumber: '+441234567890',
		});
		expect(result.error).toBeUndefined();
		expect(fake.requests[0].body).toEqual({ phone_number: '+441234567890' });
		expect(fake.contacts[0]).toMatchObject({
			name: 'Ada',
			email: 'ada@example.com',
			phone_number: '+441234567890',
		});
		fake.requests.length = 0;
		const empty = await run({
			resource: 'contact',
			operation: 'update',
			contactIdentifier: sourceId,
		});
		expect(empty.error?.message).toBe('The contact has nothing to update [item 0]');
		expect(fake.requests).toHaveLength(0);
	});

	it('Update with an invalid email is refused before sending', async () => {
		const result = await run({
			resource: 'contact',
			operation: 'update',
			contactIdentifier: 'abc',
			email: 'nope',
		});
		expect(result.error?.message).toBe('Email must be an email address, but got "nope" [item 0]');
		expect(fake.requests).toHaveLength(0);
	});
});

// Last: a 429 without Retry-After makes every request with this credential wait a while.
describe('Chatwoot › Create Conversation: rate limit past the maximum wait', () => {
	it("429 without Retry-After: fails with the time to try again and rack-attack's words", async () => {
		const sourceId = fake.addContact(INBOX);
		fake.throttleNext('POST', /\/conversations$/);
		const result = await run({ contactIdentifier: sourceId, options: { maxWaitSeconds: 2 } });
		expect(result.error?.message).toMatch(/^Chatwoot: Rate limit reached; try again after \d{4}-/);
		expect(result.error?.description).toContain('Chatwoot said: "Retry later"');
		expect(fake.requests).toHaveLength(1);
		expect(fake.conversations).toHaveLength(0);
	});
});

describe('Chatwoot › documentation links', () => {
	it("links the credential and the node's docs to this package's Chatwoot setup in the README", () => {
		const repository = repositoryUrl();
		expect(new ChatwootApi().documentationUrl).toBe(`${repository}#credential-chatwoot-api`);
		expect(codexLinks('Chatwoot')).toEqual({
			primary: [`${repository}#chatwoot`],
			credential: [`${repository}#credential-chatwoot-api`],
		});
		expect(readmeAnchors()).toEqual(
			expect.arrayContaining(['chatwoot', 'credential-chatwoot-api']),
		);
	});
});

describe('Chatwoot › A long value quoted back in an error', () => {
	// Found by the reliability matrix: a 100,000-character Conversation ID came back whole in the title.
	it('is cut short in the title, with its length', async () => {
		const result = await run({
			resource: 'conversation',
			operation: 'resolve',
			contactIdentifier: 'abc',
			conversationId: `={{ "${'x'.repeat(1000)}".repeat(100) }}`,
		});
		expect(result.error?.message).toBe(
			`Conversation ID must be a number, but got "${'x'.repeat(60)}…" (100000 characters) [item 0]`,
		);
		expect(fake.requests).toHaveLength(0);
	});
});

import { createHmac } from 'node:crypto';

import type { IDataObject, WorkflowExecuteMode } from 'n8n-workflow';

import { ChatwootApi } from '../credentials/ChatwootApi.credentials';
import { ChatwootTrigger } from '../nodes/ChatwootTrigger/ChatwootTrigger.node';
import { forgetAllDeliveries } from '../nodes/ChatwootTrigger/deliveries';
import { WebhookHarness, type WebhookHarnessOptions } from './engine/run-webhook';
import {
	chatwootDelivery,
	conversationCreated,
	conversationStatusChanged,
	messageCreated,
	postDelivery,
	railsToJson,
	SAMPLE_CONTACT,
	signChatwoot,
	type ChatwootDelivery,
} from '../fakes/chatwoot-webhooks';
import { codexLinks, readmeAnchors } from './readme-links';

const SECRET = 'inbox-webhook-secret-7f3a9c';

interface Setup {
	secret?: string;
	events?: string[];
	mode?: WorkflowExecuteMode;
}

function harnessOptions(setup: Setup): WebhookHarnessOptions {
	return {
		nodeType: new ChatwootTrigger(),
		parameters: { events: setup.events ?? ['message_created:incoming'] },
		credentials: {
			chatProvidersChatwootApi: {
				baseUrl: 'https://chat.example.com',
				inboxSecret: 'inbox-identifier',
				webhookSecret: setup.secret ?? '',
			},
		},
		credentialTypes: [new ChatwootApi()],
		mode: setup.mode,
	};
}

/** n8n's webhook server in miniature (test/engine/run-webhook.ts), set up per test. */
const harness = new WebhookHarness(harnessOptions({}));
const server = {
	get executions() {
		return harness.started;
	},
	set setup(setup: Setup) {
		harness.configure(harnessOptions(setup));
	},
	get url() {
		return harness.url;
	},
};
beforeAll(async () => await harness.start());
afterAll(async () => await harness.stop());
beforeEach(() => {
	harness.started.length = 0;
	harness.thrown.length = 0;
	server.setup = {};
	forgetAllDeliveries();
});

const incoming = (messageId = 101, content = 'Hello, is anyone there?') =>
	messageCreated({ messageId, conversationId: 12, content });

async function send(delivery: ChatwootDelivery) {
	return await postDelivery(server.url, delivery);
}

function started(): IDataObject[] {
	return server.executions.map((items) => items[0]);
}

describe('Chatwoot Trigger: deliveries signed with the webhook secret (Chatwoot 4.11.2+)', () => {
	beforeEach(() => (server.setup = { secret: SECRET }));

	it('starts one execution for a signed incoming message, with the event and flattened fields', async () => {
		const payload = incoming();
		const answer = await send(chatwootDelivery(payload, { secret: SECRET, deliveryId: 'd-1' }));
		expect(answer.status).toBe(200);
		expect(started()).toEqual([
			{
				event: 'message_created',
				conversationId: 12,
				contactIdentifier: SAMPLE_CONTACT.sourceId,
				conversationStatus: 'open',
				messageId: 101,
				content: 'Hello, is anyone there?',
				messageType: 'incoming',
				private: false,
				senderName: 'Ada Lovelace',
				senderEmail: 'ada@example.com',
				senderType: 'contact',
				accountId: 1,
				inboxId: 7,
				signed: true,
				deliveryId: 'd-1',
				body: payload,
			},
		]);
	});

	it('checks the signature over the exact bytes Chatwoot sent (Rails escapes <, > and &)', async () => {
		const payload = incoming(102, 'Price <b>& delivery</b>? 😀 “quoted”');
		const delivery = chatwootDelivery(payload, { secret: SECRET });
		expect(delivery.body).toContain('\\u003cb\\u003e\\u0026');
		// The same event re-serialized by JSON.stringify has other bytes, so it cannot verify.
		expect(JSON.stringify(payload)).not.toBe(delivery.body);
		expect((await send(delivery)).status).toBe(200);
		expect(started()[0].content).toBe('Price <b>& delivery</b>? 😀 “quoted”');
	});

	it('refuses a forged delivery (no signature) with 401 and starts nothing', async () => {
		const answer = await send(chatwootDelivery(incoming()));
		expect(answer.status).toBe(401);
		expect(JSON.parse(answer.body).message).toMatch(/Unsigned delivery/);
		expect(server.executions).toHaveLength(0);
	});

	it('refuses a delivery signed with another secret', async () => {
		const answer = await send(chatwootDelivery(incoming(), { secret: 'someone-elses-secret' }));
		expect(answer.status).toBe(401);
		expect(JSON.parse(answer.body).message).toMatch(/does not match this Webhook Secret/);
		expect(server.executions).toHaveLength(0);
	});

	it('refuses a body changed after signing', async () => {
		const delivery = chatwootDelivery(incoming(), { secret: SECRET });
		delivery.body = delivery.body.replace('Hello', 'Jello');
		expect((await send(delivery)).status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('refuses a signature re-made with a fresh timestamp over the old signed string', async () => {
		const delivery = chatwootDelivery(incoming(), { secret: SECRET });
		delivery.headers['x-chatwoot-timestamp'] = String(Math.floor(Date.now() / 1000) + 1);
		expect((await send(delivery)).status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('refuses stale deliveries: more than 5 minutes old, or ahead of the clock', async () => {
		const now = Math.floor(Date.now() / 1000);
		for (const timestamp of [now - 301, now + 301]) {
			const answer = await send(chatwootDelivery(incoming(), { secret: SECRET, timestamp }));
			expect(answer.status).toBe(401);
			expect(JSON.parse(answer.body).message).toMatch(/Stale delivery/);
		}
		const edge = await send(chatwootDelivery(incoming(), { secret: SECRET, timestamp: now - 290 }));
		expect(edge.status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});

	it('starts one execution when Chatwoot retries a delivery (same X-Chatwoot-Delivery)', async () => {
		const payload = incoming();
		const first = await send(chatwootDelivery(payload, { secret: SECRET, deliveryId: 'retry-1' }));
		// Sidekiq's retry is signed again at send time but keeps the delivery id.
		const retry = await send(
			chatwootDelivery(payload, {
				secret: SECRET,
				deliveryId: 'retry-1',
				timestamp: Math.floor(Date.now() / 1000) + 2,
			}),
		);
		expect([first.status, retry.status]).toEqual([200, 200]);
		expect(JSON.parse(retry.body)).toEqual({
			received: true,
			started: false,
			reason: 'duplicate delivery',
		});
		expect(server.executions).toHaveLength(1);
	});

	it('refuses a captured delivery replayed within the window: one execution', async () => {
		const delivery = chatwootDelivery(incoming(), { secret: SECRET });
		await send(delivery);
		await send(delivery);
		await send(delivery);
		expect(server.executions).toHaveLength(1);
	});

	it('starts one execution for the same message from the account webhook and the inbox webhook', async () => {
		const payload = incoming(555);
		await send(chatwootDelivery(payload, { secret: SECRET, deliveryId: 'account-webhook' }));
		await send(chatwootDelivery(payload, { secret: SECRET, deliveryId: 'inbox-webhook' }));
		expect(server.executions).toHaveLength(1);
	});

	it('starts one execution per delivery for 50 concurrent signed messages', async () => {
		const answers = await Promise.all(
			Array.from({ length: 50 }, (_, index) =>
				send(chatwootDelivery(incoming(1000 + index), { secret: SECRET })),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
		expect(started().map((json) => json.messageId)).toHaveLength(50);
		expect(new Set(started().map((json) => json.messageId)).size).toBe(50);
	});

	it('never puts the secret in the execution data or the answer', async () => {
		const answer = await send(chatwootDelivery(incoming(), { secret: SECRET }));
		const refused = await send(chatwootDelivery(incoming(7), { secret: 'wrong' }));
		const text = JSON.stringify([server.executions, answer.body, refused.body]);
		expect(text).not.toContain(SECRET);
		expect(text).not.toContain('x-chatwoot-signature');
	});
});

describe('Chatwoot Trigger: unsigned deliveries (no Webhook Secret in the credential)', () => {
	it('accepts an unsigned delivery and says signed: false', async () => {
		const answer = await send(chatwootDelivery(incoming(), { deliveryId: 'plain-1' }));
		expect(answer.status).toBe(200);
		expect(started()).toMatchObject([{ signed: false, deliveryId: 'plain-1', messageId: 101 }]);
	});

	it('accepts a signed delivery too, without checking it, and says signed: false', async () => {
		await send(chatwootDelivery(incoming(), { secret: 'any' }));
		expect(started()).toMatchObject([{ signed: false }]);
	});

	it('still starts one execution per message without a delivery id (older Chatwoot)', async () => {
		const delivery = chatwootDelivery(incoming());
		delete delivery.headers['x-chatwoot-delivery'];
		await send(delivery);
		await send(delivery);
		expect(started()).toMatchObject([{ deliveryId: null }]);
	});
});

describe('Chatwoot Trigger: which events start the workflow', () => {
	it('by default, only incoming messages: outgoing messages, private notes and conversation events are answered 200 and start nothing', async () => {
		const others = [
			messageCreated({ messageId: 2, conversationId: 12, content: 'Hi!', messageType: 'outgoing' }),
			messageCreated({
				messageId: 3,
				conversationId: 12,
				content: 'internal note',
				messageType: 'outgoing',
				private: true,
			}),
			conversationCreated(12),
			conversationStatusChanged(12, 'resolved'),
		];
		for (const payload of others) {
			const answer = await send(chatwootDelivery(payload));
			expect(answer.status).toBe(200);
			expect(JSON.parse(answer.body)).toMatchObject({
				started: false,
				reason: 'event not selected',
			});
		}
		expect(server.executions).toHaveLength(0);
	});

	it('conversation created and status changed, with the contact and conversation fields', async () => {
		server.setup = { events: ['conversation_created', 'conversation_status_changed'] };
		await send(chatwootDelivery(conversationCreated(31)));
		await send(chatwootDelivery(conversationStatusChanged(31, 'resolved')));
		await send(chatwootDelivery(conversationStatusChanged(31, 'open')));
		expect(started()).toMatchObject([
			{ event: 'conversation_created', conversationId: 31, conversationStatus: 'open' },
			{ event: 'conversation_status_changed', conversationStatus: 'resolved' },
			{ event: 'conversation_status_changed', conversationStatus: 'open' },
		]);
		for (const json of started()) {
			expect(json).toMatchObject({
				contactIdentifier: SAMPLE_CONTACT.sourceId,
				senderName: 'Ada Lovelace',
				senderEmail: 'ada@example.com',
				messageId: null,
			});
		}
	});

	it('outgoing messages when chosen, with the agent as sender', async () => {
		server.setup = { events: ['message_created:outgoing'] };
		await send(
			chatwootDelivery(
				messageCreated({
					messageId: 9,
					conversationId: 12,
					content: 'On it',
					messageType: 'outgoing',
				}),
			),
		);
		await send(chatwootDelivery(incoming()));
		expect(started()).toMatchObject([
			{ messageType: 'outgoing', senderType: 'user', senderName: 'Grace (agent)' },
		]);
	});

	it('any event', async () => {
		server.setup = { events: ['*'] };
		await send(chatwootDelivery({ event: 'contact_created', id: 5, name: 'Bob' }));
		expect(started()).toMatchObject([{ event: 'contact_created', conversationId: null }]);
	});
});

describe('Chatwoot Trigger: description', () => {
	it('says where to paste its URL, and its docs links exist', () => {
		const { description } = new ChatwootTrigger();
		const notice = description.properties.find((property) => property.type === 'notice');
		expect(notice?.displayName).toMatch(/Settings → Inboxes → your API inbox → Configuration/);
		expect(notice?.displayName).toMatch(/Settings → Integrations → Webhooks/);
		const anchors = readmeAnchors();
		const { primary, credential } = codexLinks('ChatwootTrigger');
		for (const url of [...primary, ...credential]) expect(anchors).toContain(url.split('#')[1]);
	});

	it('the fake signs as Chatwoot does: sha256=hex(HMAC-SHA256(secret, "<ts>.<body>"))', () => {
		const body = railsToJson({ a: '<' });
		expect(body).toBe('{"a":"\\u003c"}');
		const hex = createHmac('sha256', 's').update(`1700000000.${body}`).digest('hex');
		expect(signChatwoot('s', 1700000000, body)).toBe(`sha256=${hex}`);
	});
});

import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type INodeParameters,
} from 'n8n-workflow';

import { ChertApi } from '../credentials/ChertApi.credentials';
import { ChertWebhookApi } from '../credentials/ChertWebhookApi.credentials';
import { ChertTrigger } from '../nodes/ChertTrigger/ChertTrigger.node';
import { checkSignature } from '../nodes/ChertTrigger/signature';
import { WebhookHarness } from './engine/run-webhook';
import { ChertFake, CODES } from '../fakes/chert';
import {
	ChertWebhookSender,
	LEAD,
	messageReceived,
	newSubscriptionSecret,
	OUR_LINE,
	reaction,
	signDelivery,
	TENANT,
} from '../fakes/chert-webhooks';
import { codexLinks, readmeAnchors, repositoryUrl } from './readme-links';

const chert = new ChertFake();
const now = () => Math.floor(Date.now() / 1000);

function chertApi(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		signingSecret: chert.singleTenant.signingSecret,
		baseUrl: chert.apiBaseUrl,
		authMethod: 'bearer',
		tenantSlug: '',
		...overrides,
	};
}

interface HarnessOptions {
	parameters?: INodeParameters;
	mode?: 'webhook' | 'manual';
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

async function harnessFor(options: HarnessOptions = {}) {
	return await new WebhookHarness({
		nodeType: new ChertTrigger(),
		parameters: { setup: 'automatic', events: ['message.received'], ...options.parameters },
		credentials: options.credentials ?? { chatProvidersChertApi: chertApi() },
		credentialTypes: [new ChertApi(), new ChertWebhookApi()],
		mode: options.mode,
	}).start();
}

/** The subscription Chert holds for this trigger, and a sender with its secret. */
function registered() {
	const [subscription] = [...chert.subscriptions.values()];
	if (!subscription) throw new Error('No subscription at Chert');
	return {
		subscription,
		sender: new ChertWebhookSender(subscription.secret, subscription.id),
	};
}

const refusedWith = async (
	harness: WebhookHarness,
	answer: { status: number; body: string },
	reason: RegExp,
) => {
	expect(answer.status).toBe(401);
	expect(JSON.parse(answer.body).message).toMatch(reason);
	expect(harness.started).toHaveLength(0);
	expect(harness.thrown).toHaveLength(0);
};

beforeAll(async () => await chert.start());
afterAll(async () => await chert.stop());
beforeEach(() => chert.reset());

let trigger: WebhookHarness;
afterEach(async () => await trigger?.stop());

describe('Chert Trigger: the node', () => {
	it("offers the events Chert documents, Message Received by default, and Chert's all-events", () => {
		const events = new ChertTrigger().description.properties.find((p) => p.name === 'events');
		expect(events?.options?.map((o) => ('value' in o ? o.value : undefined))).toEqual([
			'message.received',
			'reaction.added',
			'reaction.removed',
			'lead_reply',
			'*',
		]);
		expect(events?.default).toEqual(['message.received']);
	});

	it('registers with the Chert API credential by default; a console-made subscription takes its own secret', () => {
		const { description } = new ChertTrigger();
		expect(description.inputs).toEqual([]);
		expect(description.group).toEqual(['trigger']);
		expect(description.properties.find((p) => p.name === 'setup')?.default).toBe('automatic');
		expect(description.credentials).toEqual([
			expect.objectContaining({
				name: 'chatProvidersChertApi',
				displayOptions: { show: { setup: ['automatic'] } },
			}),
			expect.objectContaining({
				name: 'chatProvidersChertWebhookApi',
				displayOptions: { show: { setup: ['manual'] } },
			}),
		]);
	});

	it("says what activation does, and where in Chert's console the URL and secret go", () => {
		const notices = new ChertTrigger().description.properties.filter((p) => p.type === 'notice');
		expect(notices.map((n) => n.displayName).join('\n')).toMatch(/WEBHOOK_URL/);
		expect(notices.map((n) => n.displayName).join('\n')).toMatch(/Chert's console/);
	});

	it('links to its README sections', () => {
		const base = repositoryUrl();
		expect(codexLinks('ChertTrigger')).toEqual({
			primary: [`${base}#chert-trigger`],
			credential: [`${base}#credential-chert-webhook-api`],
		});
		expect(readmeAnchors()).toEqual(
			expect.arrayContaining(['chert-trigger', 'credential-chert-webhook-api']),
		);
		expect(new ChertWebhookApi().documentationUrl).toBe(`${base}#credential-chert-webhook-api`);
	});
});

describe('Chert Trigger: registration (POST/GET/DELETE /webhook-subscriptions)', () => {
	it('activating creates one subscription for the Production URL and the chosen events', async () => {
		trigger = await harnessFor();
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		expect(await trigger.lifecycle('create')).toBe(true);
		const posts = chert.requestsTo('POST', '/api/v1/webhook-subscriptions');
		expect(posts).toHaveLength(1);
		expect(posts[0].body).toEqual({
			url: expect.stringMatching(/\/webhook\/test-webhook-id\/chert$/),
			events: ['message.received'],
		});
		const { subscription } = registered();
		expect(subscription.url).toBe(posts[0].body && (posts[0].body as { url: string }).url);
	});

	it('keeps the subscription id, and its secret only sealed: the secret itself is nowhere in static data', async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
		const { subscription } = registered();
		const kept = JSON.stringify(trigger.staticData);
		expect(kept).toContain(subscription.id);
		expect(kept).not.toContain(subscription.secret);
		expect(kept).not.toContain(chert.singleTenant.signingSecret);
	});

	it('checkExists: true while Chert lists our subscription at our URL', async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
		expect(await trigger.lifecycle('checkExists')).toBe(true);
		expect(chert.requestsTo('GET', '/api/v1/webhook-subscriptions')).not.toHaveLength(0);
	});

	it('checkExists: false once the subscription was deleted in Chert; activating makes a new one', async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
		chert.subscriptions.clear();
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		await trigger.lifecycle('create');
		expect(chert.subscriptions.size).toBe(1);
	});

	it('checkExists: false when the Events chosen changed, and the new subscription replaces the old', async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
		const before = registered().subscription.id;
		trigger.configure({
			nodeType: new ChertTrigger(),
			parameters: { setup: 'automatic', events: ['message.received', 'reaction.added'] },
			credentials: { chatProvidersChertApi: chertApi() },
			credentialTypes: [new ChertApi(), new ChertWebhookApi()],
		});
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		await trigger.lifecycle('create');
		const { subscription } = registered();
		expect(chert.subscriptions.size).toBe(1);
		expect(subscription.id).not.toBe(before);
		expect(subscription.events).toEqual(['message.received', 'reaction.added']);
	});

	it('a subscription left at our URL by an earlier activation (its secret unknown) is deleted first', async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
		const orphan = registered().subscription.id;
		for (const key of Object.keys(trigger.staticData)) delete trigger.staticData[key];
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		await trigger.lifecycle('create');
		expect(chert.requestsTo('DELETE', `/api/v1/webhook-subscriptions/${orphan}`)).toHaveLength(1);
		expect(chert.subscriptions.size).toBe(1);
	});

	it('All Events subscribes without an events list ("omit this field … to receive all events")', async () => {
		trigger = await harnessFor({ parameters: { events: ['*'] } });
		await trigger.lifecycle('create');
		const [post] = chert.requestsTo('POST', '/api/v1/webhook-subscriptions');
		expect(post.body).toEqual({ url: expect.any(String) });
	});

	it('deactivating deletes the subscription; one already gone counts as deleted', async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
		const { subscription } = registered();
		expect(await trigger.lifecycle('delete')).toBe(true);
		expect(chert.subscriptions.size).toBe(0);
		expect(
			chert.requestsTo('DELETE', `/api/v1/webhook-subscriptions/${subscription.id}`),
		).toHaveLength(1);
		await trigger.lifecycle('create');
		chert.subscriptions.clear();
		expect(await trigger.lifecycle('delete')).toBe(true);
	});

	it('registers with a signed-requests credential too (x-chert-signature over the exact body)', async () => {
		trigger = await harnessFor({
			credentials: {
				chatProvidersChertApi: chertApi({ authMethod: 'signed', tenantSlug: TENANT }),
			},
		});
		await trigger.lifecycle('create');
		expect(chert.subscriptions.size).toBe(1);
		const [post] = chert.requestsTo('POST', '/api/v1/webhook-subscriptions');
		expect(post.headers['x-chert-signature']).toMatch(/^v1,\d+,[0-9a-f]{64}$/);
		expect(post.headers.authorization).toBeUndefined();
	});

	it("Chert's 4xx on create (url must be HTTPS) is shown in Chert's words with what to do", async () => {
		chert.acceptLoopbackHttp = false;
		trigger = await harnessFor();
		const error = await trigger.lifecycle('create').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		const apiError = error as NodeApiError;
		expect(apiError.message).toBe(
			'Chert: Chert refused the webhook subscription: url must be HTTPS',
		);
		// n8n 1.x shows an activation error's description alone: Chert's words are there too.
		expect(apiError.description).toMatch(/^Chert said: url must be HTTPS\. /);
		expect(apiError.description).toMatch(/WEBHOOK_URL/);
		expect(apiError.description).toMatch(new RegExp(`code ${CODES.invalidWebhookUrl}`));
		expect(apiError.description).toMatch(/trace ID trc_\d+/);
		expect(chert.subscriptions.size).toBe(0);
		expect(JSON.stringify(trigger.staticData)).not.toContain('subscriptionId');
	});

	it('a Chert credential Chert does not accept: 401 in its words, the secret in no message', async () => {
		trigger = await harnessFor({
			credentials: {
				chatProvidersChertApi: chertApi({ signingSecret: 'chert_ss_wrong_00000000' }),
			},
		});
		const error = (await trigger.lifecycle('create').catch((e: unknown) => e)) as NodeApiError;
		expect(error.message).toBe(
			'Chert: Listing webhook subscriptions failed: Invalid signing secret',
		);
		expect(error.description).toMatch(/Signing Secret/);
		expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain(
			'chert_ss_wrong_00000000',
		);
	});
});

describe('Chert Trigger: signed deliveries start the workflow', () => {
	beforeEach(async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
	});

	it('message.received starts one execution: the envelope plus chat, sender, line and text', async () => {
		const envelope = messageReceived({ text: 'Sure, what time?', attachments: 1 });
		const [answer] = await chert.deliver(envelope);
		expect(answer.status).toBe(200);
		expect(trigger.started).toHaveLength(1);
		const data = envelope.data as {
			chat: { id: string };
			message: { id: string; parts: unknown[] };
		};
		expect(trigger.started[0]).toEqual([
			{
				event: 'message.received',
				eventId: envelope.event_id,
				chatId: data.chat.id,
				from: LEAD,
				to: OUR_LINE,
				text: 'Sure, what time?',
				messageId: data.message.id,
				isGroup: false,
				attachments: [data.message.parts[1]],
				tenant: TENANT,
				envelope,
			},
		]);
	});

	it('a legacy delivery with only top-level from/to/text/message_guid is read too', async () => {
		const { sender } = registered();
		const legacy = {
			event: 'lead_reply',
			from: LEAD,
			to: OUR_LINE,
			text: 'Yes',
			message_guid: 'G1',
		};
		trigger.configure({
			nodeType: new ChertTrigger(),
			parameters: { setup: 'automatic', events: ['lead_reply'] },
			credentials: { chatProvidersChertApi: chertApi() },
			credentialTypes: [new ChertApi(), new ChertWebhookApi()],
		});
		expect((await sender.post(trigger.url, legacy)).status).toBe(200);
		expect(trigger.started[0][0]).toMatchObject({
			event: 'lead_reply',
			from: LEAD,
			to: OUR_LINE,
			text: 'Yes',
			messageId: 'G1',
			chatId: null,
		});
	});

	it.each([
		['X-Webhook-Signature, v1,<ts>,<hex>', { headerName: 'x-webhook-signature', layout: 'v1' }],
		['x-chert-signature, v1,<ts>,<hex>', { headerName: 'x-chert-signature', layout: 'v1' }],
		['X-Webhook-Signature, t=<ts>,v1=<hex>', { headerName: 'x-webhook-signature', layout: 't=' }],
	] as const)('accepts the signature in %s', async (_, options) => {
		const { sender } = registered();
		expect((await sender.post(trigger.url, messageReceived(), options)).status).toBe(200);
		expect(trigger.started).toHaveLength(1);
	});

	it('checks the exact bytes received: spacing and escapes Chert chose are what is signed', async () => {
		const { sender } = registered();
		const body = JSON.stringify(messageReceived({ text: 'Hi!' }), null, 3).replace(
			'Hi!',
			'Hi\\u0021',
		);
		expect((await sender.post(trigger.url, sender.sign(body))).status).toBe(200);
		expect(trigger.started[0][0].text).toBe('Hi!');
	});

	it('accepts a delivery signed within 5 minutes either way of now', async () => {
		await chert.deliver(messageReceived(), { timestamp: now() - 290 });
		await chert.deliver(messageReceived(), { timestamp: now() + 290 });
		expect(trigger.started).toHaveLength(2);
	});

	it('an event not chosen is answered 200 and starts nothing; All Events starts on it', async () => {
		const { sender } = registered();
		const answer = await sender.post(trigger.url, reaction('reaction.added'));
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toMatchObject({ started: false, reason: 'event not selected' });
		expect(trigger.started).toHaveLength(0);
		trigger.configure({
			nodeType: new ChertTrigger(),
			parameters: { setup: 'automatic', events: ['*'] },
			credentials: { chatProvidersChertApi: chertApi() },
			credentialTypes: [new ChertApi(), new ChertWebhookApi()],
		});
		expect((await sender.post(trigger.url, reaction('reaction.removed'))).status).toBe(200);
		expect(trigger.started[0][0]).toMatchObject({ event: 'reaction.removed' });
	});
});

describe('Chert Trigger: deliveries that fail the check are answered 401 and start nothing', () => {
	beforeEach(async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
	});

	it('unsigned (no X-Webhook-Signature nor x-chert-signature)', async () => {
		const { sender } = registered();
		const answer = await sender.post(trigger.url, messageReceived(), { signature: '' });
		await refusedWith(trigger, answer, /Unsigned delivery/);
	});

	it('a header that reads neither v1,<ts>,<hex> nor t=…,v1=…', async () => {
		const { sender } = registered();
		const answer = await sender.post(trigger.url, messageReceived(), { signature: 'sha256=abc' });
		await refusedWith(trigger, answer, /does not read v1,<unix seconds>,<hex>/);
	});

	it('a forged signature', async () => {
		const { sender } = registered();
		const answer = await sender.post(trigger.url, messageReceived(), {
			signature: `v1,${now()},${'ab'.repeat(32)}`,
		});
		await refusedWith(trigger, answer, /does not match/);
	});

	it("signed with another secret (e.g. the API signing secret, or another subscription's)", async () => {
		const { sender } = registered();
		for (const secret of [newSubscriptionSecret(), chert.singleTenant.signingSecret]) {
			const answer = await sender.post(trigger.url, messageReceived(), { secret });
			await refusedWith(trigger, answer, /does not match/);
		}
	});

	it('a body changed after signing (one byte)', async () => {
		const { sender } = registered();
		const delivery = sender.sign(messageReceived({ text: 'call at 5' }));
		delivery.body = delivery.body.replace('call at 5', 'call at 6');
		await refusedWith(trigger, await sender.post(trigger.url, delivery), /does not match/);
	});

	it('signed more than 5 minutes ago (stale), or ahead', async () => {
		const { sender } = registered();
		await refusedWith(
			trigger,
			await sender.post(trigger.url, messageReceived(), { timestamp: now() - 301 }),
			/Stale delivery/,
		);
		// Half a minute past the window: a loaded machine may take seconds to check it.
		await refusedWith(
			trigger,
			await sender.post(trigger.url, messageReceived(), { timestamp: now() + 330 }),
			/Stale delivery/,
		);
	});

	it('the same signed request again, for an event without an id, is a replay', async () => {
		const { sender } = registered();
		const withoutId = reaction('reaction.added');
		delete withoutId.event_id;
		trigger.configure({
			nodeType: new ChertTrigger(),
			parameters: { setup: 'automatic', events: ['*'] },
			credentials: { chatProvidersChertApi: chertApi() },
			credentialTypes: [new ChertApi(), new ChertWebhookApi()],
		});
		const delivery = sender.sign(withoutId);
		delete delivery.headers['x-webhook-event-id'];
		expect((await sender.post(trigger.url, delivery)).status).toBe(200);
		const replay = await sender.post(trigger.url, delivery);
		expect(replay.status).toBe(401);
		expect(JSON.parse(replay.body).message).toMatch(/replay/);
		expect(trigger.started).toHaveLength(1);
	});

	it('after the Chert signing secret changed the sealed secret cannot be read: 401, activate again', async () => {
		const { sender } = registered();
		trigger.configure({
			nodeType: new ChertTrigger(),
			parameters: { setup: 'automatic', events: ['message.received'] },
			credentials: { chatProvidersChertApi: chertApi({ signingSecret: 'chert_ss_rotated_1234' }) },
			credentialTypes: [new ChertApi(), new ChertWebhookApi()],
		});
		const answer = await sender.post(trigger.url, messageReceived());
		await refusedWith(trigger, answer, /deactivate and activate the workflow again/);
	});

	it('the secrets appear in no answer, no item and no static data', async () => {
		const { sender, subscription } = registered();
		const answers = [
			await sender.post(trigger.url, messageReceived(), { secret: newSubscriptionSecret() }),
			await sender.post(trigger.url, messageReceived(), { timestamp: 1 }),
			await sender.post(trigger.url, messageReceived()),
		];
		const everything = JSON.stringify({ answers, started: trigger.started, s: trigger.staticData });
		expect(everything).not.toContain(subscription.secret);
		expect(everything).not.toContain(chert.singleTenant.signingSecret);
		expect(trigger.started).toHaveLength(1);
	});
});

describe('Chert Trigger: one execution per event (event_id, X-Webhook-Event-Id)', () => {
	beforeEach(async () => {
		trigger = await harnessFor();
		await trigger.lifecycle('create');
	});

	it('the same event delivered again (re-signed, or the very same request) is answered 200 and starts nothing', async () => {
		const { sender } = registered();
		const envelope = messageReceived();
		const first = sender.sign(envelope, { timestamp: now() - 60 });
		expect((await sender.post(trigger.url, first)).status).toBe(200);
		for (const again of [sender.sign(envelope), first]) {
			const answer = await sender.post(trigger.url, again);
			expect(answer.status).toBe(200);
			expect(JSON.parse(answer.body)).toEqual({
				received: true,
				started: false,
				reason: 'duplicate event',
			});
		}
		expect(trigger.started).toHaveLength(1);
	});

	it('the event id is read from X-Webhook-Event-Id when the body has none', async () => {
		const { sender } = registered();
		const { event_id: eventId, ...envelope } = messageReceived();
		const delivery = () => {
			const signed = sender.sign(envelope);
			signed.headers['x-webhook-event-id'] = String(eventId);
			return signed;
		};
		await sender.post(trigger.url, delivery());
		await sender.post(trigger.url, delivery());
		expect(trigger.started).toHaveLength(1);
		expect(trigger.started[0][0].eventId).toBe(eventId);
	});

	it('50 signed events at once, 5 of them delivered twice, start 50 executions', async () => {
		const envelopes = Array.from({ length: 50 }, (_, index) =>
			messageReceived({ text: `message ${index}` }),
		);
		const answers = await Promise.all(
			[...envelopes, ...envelopes.slice(0, 5)].map((envelope, index) =>
				chert.deliver(envelope, { timestamp: now() - (index >= 50 ? 1 : 0) }),
			),
		);
		expect(answers.flat().map((a) => a.status)).toEqual(answers.map(() => 200));
		expect(trigger.started).toHaveLength(50);
		expect(trigger.started.map(([item]) => item.text).sort()).toEqual(
			envelopes.map((_, index) => `message ${index}`).sort(),
		);
	});

	it("the editor's test URL has its own subscription and remembers apart from the production URL", async () => {
		const testUrl = await harnessFor({ mode: 'manual' });
		try {
			await testUrl.lifecycle('create');
			expect(chert.subscriptions.size).toBe(2);
			const envelope = messageReceived();
			const answers = await chert.deliver(envelope);
			expect(answers.map((a) => a.status)).toEqual([200, 200]);
			expect(trigger.started).toHaveLength(1);
			expect(testUrl.started).toHaveLength(1);
			await testUrl.lifecycle('delete');
			expect(chert.subscriptions.size).toBe(1);
		} finally {
			await testUrl.stop();
		}
	});

	it('deactivating and activating again forgets past deliveries', async () => {
		const envelope = messageReceived();
		await chert.deliver(envelope, { timestamp: now() - 1 });
		await trigger.lifecycle('delete');
		await trigger.lifecycle('create');
		await chert.deliver(envelope);
		expect(trigger.started).toHaveLength(2);
	});
});

describe("Chert Trigger: a subscription made in Chert's console", () => {
	const SECRET = newSubscriptionSecret();
	const manual = (webhookSecret = SECRET) =>
		harnessFor({
			parameters: { setup: 'manual' },
			credentials: { chatProvidersChertWebhookApi: { webhookSecret } },
		});

	it('checks deliveries with the pasted secret; activating and deactivating ask nothing of Chert', async () => {
		trigger = await manual();
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		expect(await trigger.lifecycle('create')).toBe(true);
		const sender = new ChertWebhookSender(SECRET);
		expect((await sender.post(trigger.url, messageReceived())).status).toBe(200);
		const forged = await sender.post(trigger.url, messageReceived(), {
			secret: newSubscriptionSecret(),
		});
		expect(forged.status).toBe(401);
		expect(await trigger.lifecycle('delete')).toBe(true);
		expect(chert.requests).toHaveLength(0);
		expect(trigger.started).toHaveLength(1);
	});

	it('a credential without a secret refuses everything', async () => {
		trigger = await manual('');
		const answer = await new ChertWebhookSender('').post(trigger.url, messageReceived());
		await refusedWith(trigger, answer, /no Subscription Secret/);
	});

	it("the credential's test asks for the 64-hex secret Chert shows once", async () => {
		const test = (webhookSecret: string) =>
			new ChertTrigger().methods.credentialTest.chertWebhookSecret.call(
				{} as ICredentialTestFunctions,
				{
					id: '1',
					name: 'Chert webhook',
					type: 'chatProvidersChertWebhookApi',
					data: { webhookSecret },
				} as ICredentialsDecrypted,
			);
		expect(await test(' ')).toMatchObject({ status: 'Error' });
		expect(await test(chert.singleTenant.signingSecret)).toEqual({
			status: 'Error',
			message: expect.stringMatching(/API signing secret instead/),
		});
		expect(await test(SECRET)).toMatchObject({ status: 'OK' });
		const [field] = new ChertWebhookApi().properties;
		expect(field).toMatchObject({ name: 'webhookSecret', typeOptions: { password: true } });
	});
});

describe('Chert Trigger: the signature check itself', () => {
	const body = Buffer.from('{"a":1}');
	const secret = 'a'.repeat(64);

	it('HMAC-SHA256 of "<seconds>.<raw body>", hex, as Chert signs its API requests', () => {
		const header = signDelivery(secret, body, 1_700_000_000);
		expect(checkSignature({ header, rawBody: body, secret, nowSeconds: 1_700_000_000 })).toEqual(
			expect.objectContaining({ valid: true, timestamp: 1_700_000_000 }),
		);
	});

	it('refuses a signature of the wrong length without comparing', () => {
		expect(
			checkSignature({
				header: 'v1,1700000000,abcd',
				rawBody: body,
				secret,
				nowSeconds: 1_700_000_000,
			}),
		).toEqual({ valid: false, reason: "The signature does not match this subscription's secret" });
	});
});

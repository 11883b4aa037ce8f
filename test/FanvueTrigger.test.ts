import type { ICredentialsDecrypted, ICredentialTestFunctions } from 'n8n-workflow';

import { FanvueWebhookApi } from '../credentials/FanvueWebhookApi.credentials';
import { FanvueTrigger } from '../nodes/FanvueTrigger/FanvueTrigger.node';
import { checkSignature } from '../nodes/FanvueTrigger/signature';
import { WebhookHarness } from './engine/run-webhook';
import {
	CREATOR_UUID,
	FanvueWebhookSender,
	fanvuePayload,
	signatureHeader,
	TEST_FAN,
	type FanvueWebhookEvent,
} from '../fakes/fanvue-webhooks';
import { codexLinks, readmeAnchors, repositoryUrl } from './readme-links';

const SECRET = 'fvwhsec_test_4f1d0c8b2a7e49d6b3c5a1e8f0d2c4b6';
const OTHER_SECRET = 'fvwhsec_someone_else_0000000000000000';
const EVENTS: FanvueWebhookEvent[] = [
	'messageReceived',
	'messageRead',
	'newFollower',
	'newSubscriber',
	'purchaseReceived',
	'tipReceived',
];

const fanvue = new FanvueWebhookSender(SECRET);
const now = () => Math.floor(Date.now() / 1000);

async function harnessFor(event: FanvueWebhookEvent, mode?: 'webhook' | 'manual') {
	return await new WebhookHarness({
		nodeType: new FanvueTrigger(),
		parameters: { event },
		credentials: { chatProvidersFanvueWebhookApi: { webhookSecret: SECRET } },
		credentialTypes: [new FanvueWebhookApi()],
		mode,
	}).start();
}

let trigger: WebhookHarness;
beforeEach(async () => (trigger = await harnessFor('messageReceived')));
afterEach(async () => await trigger.stop());

describe('Fanvue Trigger: the node', () => {
	it('offers the six events Fanvue documents, Message Received first', () => {
		const event = new FanvueTrigger().description.properties.find((p) => p.name === 'event');
		expect(event?.options?.map((o) => ('value' in o ? o.value : undefined))).toEqual(EVENTS);
		expect(event?.default).toBe('messageReceived');
	});

	it('is a trigger with no input and a webhook that Fanvue posts to', () => {
		const { description } = new FanvueTrigger();
		expect(description.inputs).toEqual([]);
		expect(description.group).toEqual(['trigger']);
		expect(description.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST' })]);
		expect(description.credentials).toEqual([
			expect.objectContaining({ name: 'chatProvidersFanvueWebhookApi', required: true }),
		]);
	});

	it('gives each event its own URL, ending with the event', async () => {
		const urls: string[] = [];
		for (const event of EVENTS) {
			const harness = await harnessFor(event);
			urls.push(harness.url);
			await harness.stop();
		}
		expect(new Set(urls).size).toBe(EVENTS.length);
		urls.forEach((url, index) => expect(url).toMatch(new RegExp(`/webhook/.+/${EVENTS[index]}$`)));
	});

	it('says where in Fanvue to paste the URL', () => {
		const notice = new FanvueTrigger().description.properties.find((p) => p.type === 'notice');
		expect(notice?.displayName).toMatch(/Developer Area/);
		expect(notice?.displayName).toMatch(/Events → Add Webhook/);
		expect(notice?.displayName).toMatch(/Endpoint URL/);
	});

	it('links to its README sections', () => {
		const base = repositoryUrl();
		expect(codexLinks('FanvueTrigger')).toEqual({
			primary: [`${base}#fanvue-trigger`],
			credential: [`${base}#credential-fanvue-webhook-api`],
		});
		expect(readmeAnchors()).toEqual(
			expect.arrayContaining(['fanvue-trigger', 'credential-fanvue-webhook-api']),
		);
		expect(new FanvueWebhookApi().documentationUrl).toBe(`${base}#credential-fanvue-webhook-api`);
	});
});

describe('Fanvue Trigger: signed deliveries start the workflow', () => {
	it('a Message Received delivery starts one execution: the event as sent plus who, what, which chat', async () => {
		const payload = fanvuePayload('messageReceived', { text: 'Do you ship to Lisbon?' });
		const answer = await fanvue.post(trigger.url, payload);
		expect(answer.status).toBe(200);
		expect(trigger.started).toHaveLength(1);
		expect(trigger.started[0]).toEqual([
			{
				event: 'messageReceived',
				fanUuid: TEST_FAN.uuid,
				fanHandle: TEST_FAN.handle,
				fanDisplayName: TEST_FAN.displayName,
				creatorUuid: CREATOR_UUID,
				occurredAt: payload.timestamp,
				text: 'Do you ship to Lisbon?',
				messageUuid: payload.messageUuid,
				payload,
			},
		]);
	});

	it.each(EVENTS)(
		"%s: Fanvue's documented payload starts an execution with the fan's uuid",
		async (event) => {
			const harness = await harnessFor(event);
			try {
				const payload = fanvuePayload(event);
				expect((await fanvue.post(harness.url, payload)).status).toBe(200);
				expect(harness.started).toHaveLength(1);
				const [item] = harness.started[0];
				expect(item).toMatchObject({ event, fanUuid: TEST_FAN.uuid, creatorUuid: CREATOR_UUID });
				expect(item.payload).toEqual(payload);
			} finally {
				await harness.stop();
			}
		},
	);

	it('amounts stay in minor units, as Fanvue sends them', async () => {
		const harness = await harnessFor('tipReceived');
		try {
			const payload = fanvuePayload('tipReceived');
			await fanvue.post(harness.url, payload);
			expect(harness.started[0][0]).toMatchObject({
				priceInCents: 500,
				tippedOn: 'message',
				messageUuid: payload.messageUuid,
			});
		} finally {
			await harness.stop();
		}
	});

	it('checks the exact bytes received: spacing and escapes Fanvue chose are what is signed', async () => {
		const payload = fanvuePayload('messageReceived');
		const body = JSON.stringify(payload, null, 3).replace('Hey!', 'Hey\\u0021');
		const answer = await fanvue.post(trigger.url, fanvue.sign(body));
		expect(answer.status).toBe(200);
		expect(trigger.started[0][0].text).toBe('Hey! Is this still available?');
	});

	it('accepts a delivery signed within 5 minutes either way of now', async () => {
		await fanvue.post(trigger.url, fanvuePayload('messageReceived'), { timestamp: now() - 290 });
		await fanvue.post(trigger.url, fanvuePayload('messageReceived'), { timestamp: now() + 290 });
		expect(trigger.started).toHaveLength(2);
	});

	it('accepts either signature while the app secret is rotated (v0=<old>,<new>)', async () => {
		const delivery = fanvue.sign(fanvuePayload('messageReceived'));
		const t = now();
		const current = signatureHeader(SECRET, delivery.body, t).split('v0=')[1];
		const old = signatureHeader(OTHER_SECRET, delivery.body, t).split('v0=')[1];
		delivery.headers['x-fanvue-signature'] = `t=${t},v0=${old},${current}`;
		expect((await fanvue.post(trigger.url, delivery)).status).toBe(200);
		expect(trigger.started).toHaveLength(1);
	});
});

describe('Fanvue Trigger: deliveries that fail the check are answered 401 and start nothing', () => {
	const refused = async (answer: { status: number; body: string }, reason: RegExp) => {
		expect(answer.status).toBe(401);
		expect(JSON.parse(answer.body).message).toMatch(reason);
		expect(trigger.started).toHaveLength(0);
		expect(trigger.thrown).toHaveLength(0);
	};

	it('no X-Fanvue-Signature header', async () => {
		const answer = await fanvue.post(trigger.url, fanvuePayload('messageReceived'), { header: '' });
		await refused(answer, /header is missing/);
	});

	it('a header that does not read t=…,v0=…', async () => {
		const answer = await fanvue.post(trigger.url, fanvuePayload('messageReceived'), {
			header: 'sha256=abc',
		});
		await refused(answer, /t=<seconds>,v0=<hex>/);
	});

	it('a forged signature', async () => {
		const answer = await fanvue.post(trigger.url, fanvuePayload('messageReceived'), {
			header: `t=${now()},v0=${'ab'.repeat(32)}`,
		});
		await refused(answer, /does not match/);
	});

	it('signed with another secret', async () => {
		const answer = await fanvue.post(trigger.url, fanvuePayload('messageReceived'), {
			secret: OTHER_SECRET,
		});
		await refused(answer, /does not match/);
	});

	it('a body changed after signing (one byte)', async () => {
		const delivery = fanvue.sign(fanvuePayload('messageReceived', { text: 'tip 5' }));
		delivery.body = delivery.body.replace('tip 5', 'tip 9');
		await refused(await fanvue.post(trigger.url, delivery), /does not match/);
	});

	it('signed more than 5 minutes ago (stale)', async () => {
		const answer = await fanvue.post(trigger.url, fanvuePayload('messageReceived'), {
			timestamp: now() - 301,
		});
		await refused(answer, /more than 5 minutes/);
	});

	it('signed more than 5 minutes ahead', async () => {
		const answer = await fanvue.post(trigger.url, fanvuePayload('messageReceived'), {
			// Half a minute past the window: a loaded machine may take seconds to check it.
			timestamp: now() + 330,
		});
		await refused(answer, /more than 5 minutes/);
	});

	it('the same signed request sent again (a replay) — even of an event with no id', async () => {
		const harness = await harnessFor('newFollower');
		try {
			const delivery = fanvue.sign(fanvuePayload('newFollower'));
			expect((await fanvue.post(harness.url, delivery)).status).toBe(200);
			const replay = await fanvue.post(harness.url, delivery);
			expect(replay.status).toBe(401);
			expect(JSON.parse(replay.body).message).toMatch(/replay/);
			expect(harness.started).toHaveLength(1);
		} finally {
			await harness.stop();
		}
	});

	it('the secret appears in no answer and no item', async () => {
		const answers = [
			await fanvue.post(trigger.url, fanvuePayload('messageReceived'), { secret: OTHER_SECRET }),
			await fanvue.post(trigger.url, fanvuePayload('messageReceived'), { timestamp: 1 }),
			await fanvue.post(trigger.url, fanvuePayload('messageReceived')),
		];
		const everything = JSON.stringify({ answers, started: trigger.started });
		expect(everything).not.toContain(SECRET);
		expect(trigger.started).toHaveLength(1);
	});

	it('a trigger whose credential has no secret refuses everything', async () => {
		const harness = await new WebhookHarness({
			nodeType: new FanvueTrigger(),
			parameters: { event: 'messageReceived' },
			credentials: { chatProvidersFanvueWebhookApi: { webhookSecret: '' } },
			credentialTypes: [new FanvueWebhookApi()],
		}).start();
		try {
			const delivery = new FanvueWebhookSender('').sign(fanvuePayload('messageReceived'));
			const answer = await fanvue.post(harness.url, delivery);
			expect(answer.status).toBe(401);
			expect(harness.started).toHaveLength(0);
		} finally {
			await harness.stop();
		}
	});
});

describe('Fanvue Trigger: a repeated delivery of one event starts one execution', () => {
	it('Message Received: the same messageUuid, signed again, is answered 200 and starts nothing', async () => {
		const payload = fanvuePayload('messageReceived');
		expect((await fanvue.post(trigger.url, payload, { timestamp: now() - 60 })).status).toBe(200);
		const again = await fanvue.post(trigger.url, payload);
		expect(again.status).toBe(200);
		expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true });
		expect(trigger.started).toHaveLength(1);
	});

	it('events without an id (e.g. New Subscriber) are not deduplicated', async () => {
		const harness = await harnessFor('newSubscriber');
		try {
			const payload = fanvuePayload('newSubscriber');
			await fanvue.post(harness.url, payload, { timestamp: now() - 60 });
			await fanvue.post(harness.url, payload);
			expect(harness.started).toHaveLength(2);
		} finally {
			await harness.stop();
		}
	});

	it('50 signed deliveries at once, 5 of them sent twice, start 50 executions', async () => {
		const payloads = Array.from({ length: 50 }, (_, index) =>
			fanvuePayload('messageReceived', { text: `message ${index}` }),
		);
		const duplicates = payloads.slice(0, 5);
		const answers = await Promise.all(
			[...payloads, ...duplicates].map((payload, index) =>
				fanvue.post(trigger.url, payload, { timestamp: now() - (index >= 50 ? 1 : 0) }),
			),
		);
		expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
		expect(trigger.started).toHaveLength(50);
		const texts = trigger.started.map(([item]) => item.text).sort();
		expect(texts).toEqual(payloads.map((p) => (p.message as { text: string }).text).sort());
	});

	it('the editor test URL remembers apart from the production URL', async () => {
		const testUrl = await harnessFor('messageReceived', 'manual');
		try {
			const payload = fanvuePayload('messageReceived');
			await fanvue.post(trigger.url, payload);
			await fanvue.post(testUrl.url, payload);
			expect(trigger.started).toHaveLength(1);
			expect(testUrl.started).toHaveLength(1);
		} finally {
			await testUrl.stop();
		}
	});

	it('deactivating and activating again forgets past deliveries; nothing is registered at Fanvue', async () => {
		const payload = fanvuePayload('messageReceived');
		await fanvue.post(trigger.url, payload, { timestamp: now() - 1 });
		expect(await trigger.lifecycle('checkExists')).toBe(false);
		expect(await trigger.lifecycle('delete')).toBe(true);
		expect(await trigger.lifecycle('create')).toBe(true);
		await fanvue.post(trigger.url, payload);
		expect(trigger.started).toHaveLength(2);
	});
});

describe('Fanvue Trigger: the signature check itself', () => {
	const body = Buffer.from('{"a":1}');

	it('matches Fanvue\'s documented recipe: HMAC-SHA256 of "<t>.<raw body>", hex', () => {
		const header = 't=1700000000,v0=' + signatureHeader(SECRET, body, 1700000000).split('v0=')[1];
		expect(
			checkSignature({ header, rawBody: body, secret: SECRET, nowSeconds: 1700000000 }),
		).toEqual(expect.objectContaining({ valid: true, timestamp: 1700000000 }));
	});

	it('refuses a signature of the wrong length without comparing', () => {
		const header = 't=1700000000,v0=abcd';
		expect(
			checkSignature({ header, rawBody: body, secret: SECRET, nowSeconds: 1700000000 }),
		).toEqual({
			valid: false,
			reason: 'The signature does not match this webhook signing secret',
		});
	});
});

describe('Fanvue Webhook API credential', () => {
	const test = (webhookSecret: string) =>
		new FanvueTrigger().methods.credentialTest.fanvueWebhookSecret.call(
			{} as ICredentialTestFunctions,
			{
				id: '1',
				name: 'Fanvue',
				type: 'chatProvidersFanvueWebhookApi',
				data: { webhookSecret },
			} as ICredentialsDecrypted,
		);

	it('keeps the secret in a password field', () => {
		const [secret] = new FanvueWebhookApi().properties;
		expect(secret).toMatchObject({ name: 'webhookSecret', typeOptions: { password: true } });
	});

	it('its test asks for the secret when it is empty, and says how to check it in Fanvue', async () => {
		expect(await test('  ')).toEqual({
			status: 'Error',
			message: expect.stringMatching(/View Signing Secret/),
		});
		expect(await test(SECRET)).toEqual({ status: 'OK', message: expect.stringMatching(/Test/) });
	});
});

// The Fanvue Trigger in real n8n (both lines), through the packed package installed as n8n installs
// it: `node test/e2e/triggers-fanvue.mjs [--n8n=2,1] [--no-build] [--keep]`.
// A workflow with the trigger (Message Received) is activated as each line does it (2.x publishes,
// 1.x sets it active) and Fanvue's deliveries are posted to its production URL:
// 1. a signed event starts one execution whose item carries the fan, the text and the event as sent,
//    and the stored execution holds no trace of the secret;
// 2. forged, re-signed-with-another-secret, stale and replayed deliveries are answered 401 and start
//    no execution;
// 3. 200 signed events posted at once, plus 5 of them delivered again (re-signed), start exactly 200;
// 4. the example examples/fanvue-trigger-reply.json, activated, answers a fan's message with the
//    Fanvue node (against FanvueFake): the chat is opened with the fan who wrote;
// 5. the editor's test URL ("Execute workflow" listening for a test event): a forged delivery is
//    answered 401 and the editor keeps listening; the signed one then starts the manual execution.
// Ends with "N passed, N failed"; exits 1 on failure.
import assert from 'node:assert/strict';

import { packageName } from '../../scripts/lib/package.mjs';
import { outputOf } from './lib/executions.mjs';
import { deliverAsProviderRetries } from './lib/redelivery.mjs';
import { fanvueOAuth2Credential } from './lib/fanvue-credential.mjs';
import { runE2e } from './lib/runner.mjs';
import { loadExample, withCredentials } from './lib/workflows.mjs';

const SECRET = 'fvwhsec_e2e_9b1f3c5d7e9f1a3b5c7d9e1f3a5b7c9d';
const OTHER_SECRET = 'fvwhsec_not_this_app_000000000000000000';
const WORKFLOW_ID = 'fanvueTriggerE2eWorkflow';
const WEBHOOK_ID = '6c1f1e0e-3d1b-4c7e-9a51-fa7e0e000001';
const TRIGGER = 'Fanvue Trigger';
// Signed events posted at once, on both n8n lines.
const CONCURRENT = 200;
const DUPLICATES = 5;

const credential = {
	id: 'fanvueWebhookE2e1',
	name: 'Fanvue webhook (e2e)',
	type: 'chatProvidersFanvueWebhookApi',
	data: { webhookSecret: SECRET },
};

const workflow = {
	id: WORKFLOW_ID,
	name: 'Fanvue Trigger: a fan writes',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: {},
	nodes: [
		{
			id: 'fanvue-trigger',
			name: TRIGGER,
			type: `${packageName}.fanvueTrigger`,
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: { event: 'messageReceived' },
			credentials: { chatProvidersFanvueWebhookApi: { id: credential.id, name: credential.name } },
		},
	],
};

const EXAMPLE_ID = 'fanvueTriggerReplyExample';
const example = loadExample('fanvue-trigger-reply.json');
const EXAMPLE_WEBHOOK_ID = example.nodes.find((node) =>
	node.type.endsWith('.fanvueTrigger'),
).webhookId;

await runE2e({
	title: 'Fanvue Trigger e2e',
	heading: 'the Fanvue Trigger on its production URL',
	folder: 'fanvue-trigger',
	async line({ label, report, instance, executions, fakes, startFake, setUp }) {
		const { FanvueWebhookSender, fanvuePayload, TEST_FAN } = fakes.load('fanvue-webhooks');
		const fanvue = new FanvueWebhookSender(SECRET);
		const fanvueApi = await startFake('fanvue');
		const now = () => Math.floor(Date.now() / 1000);
		const credentials = [
			credential,
			fanvueOAuth2Credential(
				{ id: 'fanvueAccountE2e1', name: 'Fanvue account' },
				fanvueApi,
				fanvueApi.tokens.issueGrant(),
			),
		];
		const reply = { ...withCredentials(example, credentials), id: EXAMPLE_ID, active: false };
		await setUp({ credentials, workflows: [workflow, reply], activate: [WORKFLOW_ID, EXAMPLE_ID] });
		const url = `${instance.url}/webhook/${WEBHOOK_ID}/messageReceived`;
		let expected = 0;

		await report.check(`${label} a signed Message Received starts one execution`, async () => {
			const payload = fanvuePayload('messageReceived', { text: 'Hi! Are you online?' });
			const answer = await fanvue.post(url, payload);
			assert.equal(answer.status, 200, answer.body);
			expected += 1;
			const list = await executions.settle(WORKFLOW_ID, expected);
			assert.equal(list.length, expected);
			const execution = await executions.get(list[0].id);
			assert.equal(execution.status, 'success');
			assert.equal(execution.mode, 'webhook');
			const [item] = outputOf(execution, TRIGGER);
			assert.equal(item.event, 'messageReceived');
			assert.equal(item.fanUuid, TEST_FAN.uuid);
			assert.equal(item.text, 'Hi! Are you online?');
			assert.equal(item.messageUuid, payload.messageUuid);
			assert.deepEqual(item.payload, payload);
			assert.ok(!JSON.stringify(execution).includes(SECRET), 'the secret is in the execution');
		});

		const refusals = [
			[
				'forged',
				() =>
					fanvue.post(url, fanvuePayload('messageReceived'), {
						header: `t=${now()},v0=${'0f'.repeat(32)}`,
					}),
			],
			[
				're-signed with another secret',
				() => fanvue.post(url, fanvuePayload('messageReceived'), { secret: OTHER_SECRET }),
			],
			[
				'stale (signed 6 minutes ago)',
				() => fanvue.post(url, fanvuePayload('messageReceived'), { timestamp: now() - 360 }),
			],
			['unsigned', () => fanvue.post(url, fanvuePayload('messageReceived'), { header: '' })],
		];
		for (const [name, send] of refusals) {
			await report.check(
				`${label} a ${name} delivery is answered 401 and starts nothing`,
				async () => {
					const answer = await send();
					assert.equal(answer.status, 401, answer.body);
					assert.ok(!answer.body.includes(SECRET));
					assert.equal((await executions.settle(WORKFLOW_ID, expected)).length, expected);
				},
			);
		}

		await report.check(
			`${label} a replayed delivery (same signed request again) is answered 401`,
			async () => {
				const delivery = fanvue.sign(fanvuePayload('messageReceived'));
				assert.equal((await fanvue.post(url, delivery)).status, 200);
				expected += 1;
				const replay = await fanvue.post(url, delivery);
				assert.equal(replay.status, 401, replay.body);
				assert.match(replay.body, /replay/);
				assert.equal((await executions.settle(WORKFLOW_ID, expected)).length, expected);
			},
		);

		await report.check(
			`${label} ${CONCURRENT} signed events at once, ${DUPLICATES} delivered twice, start ${CONCURRENT} executions`,
			async () => {
				const payloads = Array.from({ length: CONCURRENT }, (_, index) =>
					fanvuePayload('messageReceived', { text: `concurrent ${index}` }),
				);
				const firsts = payloads.map((payload) => () => fanvue.sign(payload));
				// Fanvue re-signs a retried delivery: same event, new signature time.
				const retries = payloads
					.slice(0, DUPLICATES)
					.map((payload) => () => fanvue.sign(payload, { timestamp: now() - 2 }));
				const counter = { resent: 0 };
				const sentAt = Date.now();
				const answers = await Promise.all(
					[...firsts, ...retries].map((signed) =>
						deliverAsProviderRetries(() => fanvue.post(url, signed()), counter),
					),
				);
				const tookMs = Date.now() - sentAt;
				assert.deepEqual(
					answers.map((a) => a.status),
					answers.map(() => 200),
				);
				expected += CONCURRENT;
				const list = await executions.settle(WORKFLOW_ID, expected);
				assert.equal(list.length, expected);
				const failed = list.filter((e) => e.status !== 'success');
				assert.deepEqual(failed, [], 'every execution succeeded');
				console.log(
					`      ${answers.length} deliveries answered in ${(tookMs / 1000).toFixed(1)} s${counter.resent ? ` (${counter.resent} sent again after n8n's 503 "Database is not ready!")` : ''}`,
				);
			},
		);

		await report.check(
			`${label} the example answers a fan's message with the Fanvue node`,
			async () => {
				const fan = fanvueApi.fans[0];
				const exampleUrl = `${instance.url}/webhook/${EXAMPLE_WEBHOOK_ID}/messageReceived`;
				const payload = fanvuePayload('messageReceived', {
					text: 'Hi Luna!',
					fan: { ...TEST_FAN, uuid: fan.uuid, handle: fan.handle },
				});
				const answer = await fanvue.post(exampleUrl, payload);
				assert.equal(answer.status, 200, answer.body);
				const list = await executions.settle(EXAMPLE_ID, 1);
				assert.equal(list.length, 1);
				assert.equal(list[0].status, 'success');
				const sent = fanvueApi.requestsTo('POST', `/chats/${fan.uuid}/message`);
				assert.equal(sent.length, 1);
				assert.deepEqual(sent[0].body, { text: 'Thanks for your message! I read: "Hi Luna!"' });
			},
		);

		await report.check(
			`${label} the editor's test URL: a forged delivery is refused, the signed one runs`,
			async () => {
				const workflowData = await instance.rest('GET', `/rest/workflows/${WORKFLOW_ID}`);
				const listening = await instance.rest('POST', `/rest/workflows/${WORKFLOW_ID}/run`, {
					workflowData,
					triggerToStartFrom: { name: TRIGGER },
				});
				assert.equal(listening.waitingForWebhook, true, JSON.stringify(listening));
				const testUrl = `${instance.url}/webhook-test/${WEBHOOK_ID}/messageReceived`;
				const forged = await fanvue.post(testUrl, fanvuePayload('messageReceived'), {
					secret: OTHER_SECRET,
				});
				assert.equal(forged.status, 401, forged.body);
				const payload = fanvuePayload('messageReceived', { text: 'testing from the editor' });
				const answer = await fanvue.post(testUrl, payload);
				assert.equal(answer.status, 200, answer.body);
				const list = await executions.settle(WORKFLOW_ID, expected + 1);
				const manual = list.filter((e) => e.mode === 'manual');
				assert.equal(manual.length, 1, JSON.stringify(list.map((e) => e.mode)));
				const execution = await executions.get(manual[0].id);
				assert.equal(outputOf(execution, TRIGGER)[0].text, 'testing from the editor');
			},
		);
	},
});

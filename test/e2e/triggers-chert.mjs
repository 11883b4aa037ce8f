// The Chert Trigger in real n8n (both lines), through the packed package installed as n8n installs
// it: `node test/e2e/triggers-chert.mjs [--n8n=2,1] [--no-build] [--keep]`.
// The example examples/chert-trigger-reply.json is imported with a Chert credential pointing at
// ChertFake and activated (2.x publishes, 1.x sets it active). When n8n starts, the trigger
// registers its Production URL at the fake (POST /webhook-subscriptions; the fake takes http on
// 127.0.0.1 where Chert requires public HTTPS), and the fake delivers events signed with the
// secret it made for that subscription:
// 1. a signed message.received starts one execution that answers in the same chat;
// 2. forged, re-signed-with-another-secret, stale and unsigned deliveries get 401, a replayed one
//    200 "duplicate event"; none starts anything;
// 3. 200 (1.x: 50) signed events at once, 5 of them delivered twice, start exactly 200 (50);
// 4. the editor's test URL registers its own subscription, refuses a forged delivery, runs the
//    signed one, and its subscription is deleted when the test run ends;
// 5. neither the subscription's secret nor the signing secret is anywhere in n8n's SQLite database
//    (executions, static data), while the executions' data is;
// 6. deactivating the workflow deletes the subscription at Chert; activating it again while Chert
//    refuses the URL ("url must be HTTPS") fails with Chert's words.
// Ends with "N passed, N failed"; exits 1 on failure.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { outputOf } from './lib/executions.mjs';
import { runE2e } from './lib/runner.mjs';
import { seconds } from '../../scripts/lib/report.mjs';
import { loadExample, withCredentials } from './lib/workflows.mjs';

// n8n 1.x saves static data only for workflow ids of up to 16 characters (its isWorkflowIdValid).
const WORKFLOW_ID = 'chertTriggerE2e1';
const TRIGGER = 'Lead replied';
const REPLY = 'Answer in the same chat';
// Signed events posted at once, on both n8n lines.
const CONCURRENT = 200;
const DUPLICATES = 5;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, condition, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await condition()) return;
		await sleep(200);
	}
	throw new Error(`Timed out waiting for ${what}`);
}

/** Every byte n8n's SQLite database holds, including what is still in its write-ahead log. */
function databaseText(userFolder) {
	return ['database.sqlite', 'database.sqlite-wal']
		.map((name) => join(userFolder, '.n8n', name))
		.filter((file) => existsSync(file))
		.map((file) => readFileSync(file).toString('latin1'))
		.join('\n');
}

await runE2e({
	title: 'Chert Trigger e2e',
	heading: 'the Chert Trigger, registered at Chert',
	folder: 'chert-trigger',
	async line({ label, report, instance, userFolder, executions, fakes, startFake, setUp }) {
		const { ChertWebhookSender, messageReceived, newSubscriptionSecret, LEAD } =
			fakes.load('chert-webhooks');
		const chert = await startFake('chert');
		const tenant = chert.singleTenant.tenants[0];
		const credential = {
			id: 'chertApiE2e1',
			name: 'Chert account',
			type: 'chatProvidersChertApi',
			data: {
				signingSecret: chert.singleTenant.signingSecret,
				baseUrl: chert.apiBaseUrl,
				authMethod: 'bearer',
				tenantSlug: '',
			},
		};
		const example = loadExample('chert-trigger-reply.json');
		const webhookId = example.nodes.find((node) => node.name === TRIGGER).webhookId;
		const workflow = { ...withCredentials(example, [credential]), id: WORKFLOW_ID, active: false };
		await setUp({ credentials: [credential], workflows: [workflow], activate: [WORKFLOW_ID] });
		const productionUrl = `${instance.url}/webhook/${webhookId}/chert`;
		const now = () => Math.floor(Date.now() / 1000);
		const chatId = '17f6e9ed-2b1c-4d3e-9f8a-0c1d2e3f4a5b';
		chert.chats.set(chatId, { id: chatId, tenant: tenant.slug, from: '+15555550100', to: [LEAD] });
		const production = () =>
			[...chert.subscriptions.values()].find((entry) => entry.url === productionUrl);
		const allSecrets = [];
		let expected = 0;

		await report.check(
			`${label} activating registered the Production URL at Chert for message.received`,
			async () => {
				await until('the subscription', () => production() !== undefined);
				assert.equal(chert.subscriptions.size, 1);
				assert.deepEqual(production().events, ['message.received']);
				allSecrets.push(production().secret);
			},
		);

		let firstEnvelope;
		await report.check(
			`${label} a signed message.received starts one execution that answers in the same chat`,
			async () => {
				firstEnvelope = messageReceived({ chatId, text: 'Sure, what time?' });
				const [answer] = await chert.deliver(firstEnvelope);
				assert.equal(answer.status, 200, answer.body);
				expected += 1;
				const list = await executions.settle(WORKFLOW_ID, expected);
				assert.equal(list.length, expected);
				const execution = await executions.get(list[0].id);
				assert.equal(execution.status, 'success');
				assert.equal(execution.mode, 'webhook');
				const [item] = outputOf(execution, TRIGGER);
				assert.equal(item.chatId, chatId);
				assert.equal(item.from, LEAD);
				assert.equal(item.text, 'Sure, what time?');
				assert.equal(item.eventId, firstEnvelope.event_id);
				assert.deepEqual(item.envelope, firstEnvelope);
				assert.ok(outputOf(execution, REPLY)[0].message, 'no message in the reply output');
				const sent = chert.requestsTo('POST', `/api/v1/chats/${chatId}/messages`);
				assert.equal(sent.length, 1);
				assert.match(sent[0].body.message.parts[0].value, /We read: "Sure, what time\?"/);
			},
		);

		const refusals = [
			[
				'a forged',
				(sender) =>
					sender.post(productionUrl, messageReceived(), {
						signature: `v1,${now()},${'0f'.repeat(32)}`,
					}),
			],
			[
				'a re-signed-with-another-secret',
				(sender) =>
					sender.post(productionUrl, messageReceived(), { secret: newSubscriptionSecret() }),
			],
			[
				'an API-signing-secret-signed',
				(sender) =>
					sender.post(productionUrl, messageReceived(), {
						secret: chert.singleTenant.signingSecret,
					}),
			],
			[
				'a stale (signed 6 minutes ago)',
				(sender) => sender.post(productionUrl, messageReceived(), { timestamp: now() - 360 }),
			],
			['an unsigned', (sender) => sender.post(productionUrl, messageReceived(), { signature: '' })],
		];
		for (const [name, send] of refusals) {
			await report.check(
				`${label} ${name} delivery is answered 401 and starts nothing`,
				async () => {
					const subscription = production();
					const answer = await send(new ChertWebhookSender(subscription.secret, subscription.id));
					assert.equal(answer.status, 401, answer.body);
					assert.match(JSON.parse(answer.body).message, /^Chert Trigger: /);
					assert.ok(!answer.body.includes(subscription.secret));
					assert.equal((await executions.settle(WORKFLOW_ID, expected)).length, expected);
				},
			);
		}

		await report.check(
			`${label} a replayed delivery (the first event again) is answered 200 "duplicate event" and starts nothing`,
			async () => {
				const [answer] = await chert.deliver(firstEnvelope, { timestamp: now() - 5 });
				assert.equal(answer.status, 200, answer.body);
				assert.match(answer.body, /duplicate event/);
				assert.equal((await executions.settle(WORKFLOW_ID, expected)).length, expected);
				assert.equal(chert.requestsTo('POST', `/api/v1/chats/${chatId}/messages`).length, 1);
			},
		);

		await report.check(
			`${label} ${CONCURRENT} signed events at once, ${DUPLICATES} delivered twice, start ${CONCURRENT} executions`,
			async () => {
				const envelopes = Array.from({ length: CONCURRENT }, (_, index) =>
					messageReceived({ chatId, text: `concurrent ${index}` }),
				);
				const sentAt = Date.now();
				const answers = await Promise.all([
					...envelopes.map((envelope) => chert.deliver(envelope)),
					// Chert re-sends an event: same event_id, a new signature time.
					...envelopes
						.slice(0, DUPLICATES)
						.map((envelope) => chert.deliver(envelope, { timestamp: now() - 2 })),
				]);
				assert.deepEqual(
					answers.flat().map((answer) => answer.status),
					Array(CONCURRENT + DUPLICATES).fill(200),
				);
				expected += CONCURRENT;
				const list = await executions.settle(WORKFLOW_ID, expected);
				assert.equal(list.length, expected);
				assert.deepEqual(
					list.filter((execution) => execution.status !== 'success'),
					[],
					'every execution succeeded',
				);
				console.log(
					`      ${answers.length} deliveries, ${expected} executions in ${seconds(sentAt)}`,
				);
			},
		);

		await report.check(
			`${label} the editor's test URL: its own subscription, a forged delivery refused, the signed one runs, the subscription removed after`,
			async () => {
				const workflowData = await instance.rest('GET', `/rest/workflows/${WORKFLOW_ID}`);
				const listening = await instance.rest('POST', `/rest/workflows/${WORKFLOW_ID}/run`, {
					workflowData,
					triggerToStartFrom: { name: TRIGGER },
				});
				assert.equal(listening.waitingForWebhook, true, JSON.stringify(listening));
				const testUrl = `${instance.url}/webhook-test/${webhookId}/chert`;
				await until('the test subscription', () =>
					[...chert.subscriptions.values()].some((entry) => entry.url === testUrl),
				);
				const test = [...chert.subscriptions.values()].find((entry) => entry.url === testUrl);
				allSecrets.push(test.secret);
				const sender = new ChertWebhookSender(test.secret, test.id);
				const forged = await sender.post(testUrl, messageReceived({ chatId }), {
					secret: newSubscriptionSecret(),
				});
				assert.equal(forged.status, 401, forged.body);
				const answer = await sender.post(
					testUrl,
					messageReceived({ chatId, text: 'testing from the editor' }),
				);
				assert.equal(answer.status, 200, answer.body);
				const list = await executions.settle(WORKFLOW_ID, expected + 1);
				const manual = list.filter((execution) => execution.mode === 'manual');
				assert.equal(manual.length, 1, JSON.stringify(list.map((execution) => execution.mode)));
				const execution = await executions.get(manual[0].id);
				assert.equal(outputOf(execution, TRIGGER)[0].text, 'testing from the editor');
				await until('the test subscription to be deleted', () => chert.subscriptions.size === 1);
				assert.ok(production(), 'the production subscription was removed');
			},
		);

		await report.check(
			`${label} no secret is in n8n's database (executions, static data); the executions are`,
			async () => {
				const stored = databaseText(userFolder);
				assert.ok(stored.includes('concurrent 1'), 'the executions are not where they were read');
				assert.ok(stored.includes(production().id), 'the subscription id is not in static data');
				// Why the secret is sealed: n8n saves the workflow's static data with each execution.
				const [latest] = await executions.list(WORKFLOW_ID);
				const { workflowData } = await executions.get(latest.id);
				assert.match(JSON.stringify(workflowData.staticData ?? {}), /sealedSecret/);
				for (const secret of [...allSecrets, chert.singleTenant.signingSecret]) {
					assert.ok(!stored.includes(secret), 'a secret is in the database');
				}
			},
		);

		await report.check(
			`${label} deactivating the workflow deletes the subscription at Chert`,
			async () => {
				const id = production().id;
				await instance.rest('POST', `/rest/workflows/${WORKFLOW_ID}/deactivate`, {});
				await until('the subscription to be deleted', () => chert.subscriptions.size === 0);
				assert.equal(chert.requestsTo('DELETE', `/api/v1/webhook-subscriptions/${id}`).length, 1);
			},
		);

		await report.check(
			`${label} activating when Chert refuses the URL shows Chert's words and what to do`,
			async () => {
				chert.acceptLoopbackHttp = false;
				const { versionId } = await instance.rest('GET', `/rest/workflows/${WORKFLOW_ID}`);
				const refused = await instance
					.rest('POST', `/rest/workflows/${WORKFLOW_ID}/activate`, { versionId })
					.then(
						() => undefined,
						(error) => error.message,
					);
				assert.ok(refused, 'the workflow was activated');
				assert.match(refused, /url must be HTTPS/);
				assert.equal(chert.subscriptions.size, 0);
			},
		);
	},
});

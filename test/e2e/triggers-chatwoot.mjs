// The Chatwoot Trigger in real n8n (both lines), through the packed package:
// `node test/e2e/triggers-chatwoot.mjs [--n8n=2,1] [--no-build] [--keep]`.
// The example workflow is imported with a credential that has a Webhook Secret, a copy with one
// that has none, both are activated (n8n 2.x: `publish:workflow`; 1.x: `update:workflow
// --active=true`), and Chatwoot's deliveries are posted to their production URLs as Chatwoot's
// Webhooks::Trigger sends them. Ends with "N passed, N failed"; exits 1 on failure.
import assert from 'node:assert/strict';

import { outputOf } from './lib/executions.mjs';
import { runE2e } from './lib/runner.mjs';
import { seconds } from '../../scripts/lib/report.mjs';
import { loadExample } from './lib/workflows.mjs';

const SECRET = 'chatwoot-inbox-webhook-secret-e2e';
// Signed events posted at once, on both n8n lines.
const CONCURRENT = 200;
const SIGNED = {
	workflowId: 'chatwootTriggerSigned',
	webhookId: 'c0ffee00-0000-4000-8000-000000000001',
};
const UNSIGNED = {
	workflowId: 'chatwootTriggerUnsigned',
	webhookId: 'c0ffee00-0000-4000-8000-000000000002',
};

function credential(id, webhookSecret) {
	return {
		id,
		name: id,
		type: 'chatProvidersChatwootApi',
		data: { baseUrl: 'http://127.0.0.1:9', inboxSecret: 'inbox-identifier-e2e', webhookSecret },
	};
}

function workflowFor({ workflowId, webhookId }, credentialId) {
	const workflow = structuredClone(loadExample('chatwoot-trigger-reply.json'));
	workflow.id = workflowId;
	workflow.name = `${workflow.name} (${workflowId})`;
	workflow.active = false;
	const trigger = workflow.nodes.find((node) => node.name === 'Chatwoot Trigger');
	trigger.webhookId = webhookId;
	trigger.credentials.chatProvidersChatwootApi = { id: credentialId, name: credentialId };
	return workflow;
}

await runE2e({
	title: 'Chatwoot Trigger e2e',
	heading: 'Chatwoot Trigger',
	folder: 'chatwoot-trigger',
	async line({ label, report, instance, executions, fakes, setUp }) {
		const sender = fakes.load('chatwoot-webhooks');
		const urlOf = ({ webhookId }) => `${instance.url}/webhook/${webhookId}/chatwoot`;
		const incoming = (messageId, content = 'Do you ship to Lisbon?') =>
			sender.messageCreated({ messageId, conversationId: 12, content });
		const post = (target, payload, options) =>
			sender.postDelivery(urlOf(target), sender.chatwootDelivery(payload, options));
		const triggerOutput = async (id) => {
			const execution = await executions.get(id);
			return { execution, json: outputOf(execution, 'Chatwoot Trigger')[0] };
		};
		await setUp({
			credentials: [credential('chatwootSigned', SECRET), credential('chatwootUnsigned', '')],
			workflows: [workflowFor(SIGNED, 'chatwootSigned'), workflowFor(UNSIGNED, 'chatwootUnsigned')],
			activate: [SIGNED.workflowId, UNSIGNED.workflowId],
		});

		let firstDelivery;
		await report.check(
			`${label} a signed incoming message at the production URL starts one execution (signed: true)`,
			async () => {
				firstDelivery = sender.chatwootDelivery(incoming(1), { secret: SECRET });
				const answer = await sender.postDelivery(urlOf(SIGNED), firstDelivery);
				assert.equal(answer.status, 200, answer.body);
				const saved = await executions.settle(SIGNED.workflowId, 1);
				assert.equal(saved.length, 1);
				const { execution, json } = await triggerOutput(saved[0].id);
				assert.equal(execution.status, 'success');
				assert.equal(json.signed, true);
				assert.equal(json.content, 'Do you ship to Lisbon?');
				assert.equal(json.contactIdentifier, sender.SAMPLE_CONTACT.sourceId);
				assert.equal(json.deliveryId, firstDelivery.headers['x-chatwoot-delivery']);
				assert.ok(!JSON.stringify(execution).includes(SECRET), 'the secret is in the execution');
			},
		);

		await report.check(
			`${label} forged, wrong-secret, tampered and stale deliveries get 401; a replay gets 200 "duplicate"; nothing starts`,
			async () => {
				const now = Math.floor(Date.now() / 1000);
				const tampered = sender.chatwootDelivery(incoming(3), { secret: SECRET });
				tampered.body = tampered.body.replace('Lisbon', 'Porto');
				const answers = {
					forged: await post(SIGNED, incoming(2)),
					wrongSecret: await post(SIGNED, incoming(2), { secret: 'not-the-secret' }),
					tampered: await sender.postDelivery(urlOf(SIGNED), tampered),
					stale: await post(SIGNED, incoming(4), { secret: SECRET, timestamp: now - 600 }),
					replayed: await sender.postDelivery(urlOf(SIGNED), firstDelivery),
				};
				const statuses = Object.fromEntries(
					Object.entries(answers).map(([name, answer]) => [name, answer.status]),
				);
				assert.deepEqual(statuses, {
					forged: 401,
					wrongSecret: 401,
					tampered: 401,
					stale: 401,
					replayed: 200,
				});
				assert.match(answers.replayed.body, /duplicate delivery/);
				assert.ok(!Object.values(answers).some((answer) => answer.body.includes(SECRET)));
				const saved = await executions.settle(SIGNED.workflowId, 1);
				assert.equal(saved.length, 1, 'a refused delivery started an execution');
			},
		);

		await report.check(
			`${label} an outgoing message (not selected) is answered 200 and starts nothing`,
			async () => {
				const outgoing = sender.messageCreated({
					messageId: 5,
					conversationId: 12,
					content: 'We do!',
					messageType: 'outgoing',
				});
				const answer = await post(SIGNED, outgoing, { secret: SECRET });
				assert.equal(answer.status, 200);
				assert.match(answer.body, /event not selected/);
				assert.equal((await executions.settle(SIGNED.workflowId, 1)).length, 1);
			},
		);

		await report.check(
			`${label} ${CONCURRENT} signed messages posted at once start ${CONCURRENT} executions`,
			async () => {
				const sentAt = Date.now();
				const answers = await Promise.all(
					Array.from({ length: CONCURRENT }, (_, index) =>
						post(SIGNED, incoming(1000 + index, `message ${index}`), { secret: SECRET }),
					),
				);
				assert.deepEqual(
					answers.map((answer) => answer.status),
					Array(CONCURRENT).fill(200),
				);
				const saved = await executions.settle(SIGNED.workflowId, CONCURRENT + 1);
				assert.equal(saved.length, CONCURRENT + 1);
				assert.ok(saved.every((execution) => execution.status === 'success'));
				console.log(`      ${CONCURRENT} executions in ${seconds(sentAt)}`);
			},
		);

		await report.check(
			`${label} without a Webhook Secret an unsigned delivery is accepted (signed: false)`,
			async () => {
				const answer = await post(UNSIGNED, incoming(7));
				assert.equal(answer.status, 200, answer.body);
				const saved = await executions.settle(UNSIGNED.workflowId, 1);
				assert.equal(saved.length, 1);
				const { json } = await triggerOutput(saved[0].id);
				assert.equal(json.signed, false);
				assert.equal(json.messageId, 7);
			},
		);
	},
});

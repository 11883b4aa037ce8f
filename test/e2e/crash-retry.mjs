// What a Retry of a crashed execution sends, in real n8n (regular mode, SQLite, one process):
// `node test/e2e/crash-retry.mjs [--n8n=2,1] [--no-build] [--keep]`. Prints what n8n stored and
// checks the counts per item at the fakes: the retry sends nothing again and says why.
// An active workflow, Webhook → Set → Split Out (5 items) → the node, 5 in flight (a manual run's
// crashed execution cannot be retried at all: n8n saved no start data for it, measured here). The fake holds item 3's
// answer; once items 1, 2, 4 and 5 went out, n8n is killed (SIGKILL), started again (it marks the
// execution crashed), and the crashed execution is retried from the list (original workflow).
import assert from 'node:assert/strict';

import { packageName } from '../../scripts/lib/package.mjs';
import { fanvueOAuth2Credential } from './lib/fanvue-credential.mjs';
import { runE2e } from './lib/runner.mjs';

const NODE = 'Send';
const ITEMS = [1, 2, 3, 4, 5];
const HOLD_MS = 120_000;
const REFUSAL =
	'This item may already be sent: the execution this retry repeats stopped while the node was running';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function workflow(id, rows, node, credential) {
	return {
		id,
		name: `Crash retry: ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `6f1c2a9e-0b7d-4c3e-9a51-${id.length.toString().padStart(6, '0')}${id === 'crash_chert' ? '000001' : '000002'}`,
				parameters: { httpMethod: 'POST', path: id, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'rows',
				name: 'Rows',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: {
					assignments: {
						assignments: [
							{ id: 'rows', name: 'rows', type: 'array', value: `={{ ${JSON.stringify(rows)} }}` },
						],
					},
					options: {},
				},
			},
			{
				id: 'split',
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'rows', options: {} },
			},
			{
				id: 'send',
				name: NODE,
				typeVersion: 1,
				position: [600, 0],
				...node,
				credentials: { [credential.type]: { id: credential.id, name: credential.name } },
			},
		],
	};
}

await runE2e({
	title: 'Crash retry investigation',
	heading: 'Retry of a crashed execution',
	folder: 'crash-retry',
	async line({ label, report, instance, executions, startFake, setUp, start }) {
		const chert = await startFake('chert');
		const fanvue = await startFake('fanvue');
		for (const n of [4, 5]) {
			fanvue.fans.push({
				uuid: `f0000000-0000-4000-8000-00000000010${n}`,
				handle: `fan${n}`,
				displayName: `Fan ${n}`,
				contactable: true,
			});
		}
		const fans = fanvue.fans.slice(0, 5);
		const leads = ITEMS.map((n) => `+1415555100${n}`);
		const chertCredential = {
			id: 'crashChert',
			name: 'Chert',
			type: 'chatProvidersChertApi',
			data: {
				signingSecret: chert.singleTenant.signingSecret,
				baseUrl: chert.apiBaseUrl,
				authMethod: 'bearer',
				tenantSlug: '',
			},
		};
		const fanvueCredential = fanvueOAuth2Credential(
			{ id: 'crashFanvue', name: 'Fanvue' },
			fanvue,
			fanvue.tokens.issueGrant(),
		);
		const scenarios = [
			{
				id: 'chert',
				workflow: workflow(
					'crash_chert',
					leads.map((lead) => ({ lead })),
					{
						type: `${packageName}.chert`,
						parameters: {
							resource: 'chat',
							operation: 'create',
							from: { __rl: true, mode: 'number', value: '+15555550100' },
							to: '={{ $json.lead }}',
							parts: { part: [{ type: 'text', text: 'Hi - got a minute?' }] },
							options: { parallelRequests: 5 },
						},
					},
					chertCredential,
				),
				hold: () =>
					chert.scriptFor('POST', '/api/v1/chats', leads[2], {
						status: 503,
						delayMs: HOLD_MS,
						body: {},
					}),
				counts: () =>
					leads.map(
						(lead) =>
							chert.messages.filter((m) => chert.chats.get(m.chatId)?.to.includes(lead)).length,
					),
				item3Arrived: () =>
					chert.requestsTo('POST', '/api/v1/chats').some((r) => r.rawBody.includes(leads[2])),
			},
			{
				id: 'fanvueSend',
				workflow: workflow(
					'crash_fanvue',
					fans.map((fan) => ({ fan: fan.uuid })),
					{
						type: `${packageName}.fanvue`,
						parameters: {
							resource: 'message',
							operation: 'send',
							fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
							text: 'Thanks for subscribing!',
							options: { parallelRequests: 5 },
						},
					},
					fanvueCredential,
				),
				hold: () =>
					fanvue.script('POST', new RegExp(`/chats/${fans[2].uuid}/message$`), {
						status: 503,
						delayMs: HOLD_MS,
						body: {},
					}),
				counts: () =>
					fans.map((fan) => fanvue.messages.filter((m) => m.chat === `self/${fan.uuid}`).length),
				item3Arrived: () =>
					fanvue.requests.some(
						(r) => r.method === 'POST' && r.path.endsWith(`/chats/${fans[2].uuid}/message`),
					),
			},
		];
		await setUp({
			credentials: [chertCredential, fanvueCredential],
			workflows: scenarios.map((s) => s.workflow),
			activate: scenarios.map((s) => s.workflow.id),
		});
		const started = {};
		await report.check(`${label} items 1, 2, 4, 5 sent, item 3 held, n8n killed`, async () => {
			for (const s of scenarios) {
				s.hold();
				const before = new Set((await executions.list(s.workflow.id)).map((e) => e.id));
				const answer = await fetch(`http://127.0.0.1:${instance.port}/webhook/${s.workflow.id}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ call: 1 }),
				});
				assert.equal(answer.status, 200, await answer.text());
				let executionId;
				for (let attempt = 0; !executionId && attempt < 50; attempt++) {
					executionId = (await executions.list(s.workflow.id)).find((e) => !before.has(e.id))?.id;
					if (!executionId) await sleep(200);
				}
				assert.ok(executionId, `${s.id}: no execution started`);
				started[s.id] = executionId;
			}
			const deadline = Date.now() + 60_000;
			while (!scenarios.every((s) => s.item3Arrived() && s.counts().join() === '1,1,0,1,1')) {
				assert.ok(Date.now() < deadline, scenarios.map((s) => `${s.id} ${s.counts()}`).join('; '));
				await sleep(200);
			}
			instance.process.kill('SIGKILL');
			await instance.exited;
		});
		await start();
		for (const s of scenarios) {
			await report.check(
				`${label} ${s.id}: Retry of the crashed execution sends nothing again`,
				async () => {
					let crashed;
					for (let attempt = 0; attempt < 50; attempt++) {
						crashed = await executions.get(started[s.id]);
						if (crashed.status !== 'running' && crashed.status !== 'new') break;
						await sleep(300);
					}
					const stored = crashed.data;
					console.log(`    ${s.id}: the crashed execution as n8n stored it`);
					console.log(
						`      status ${crashed.status}, custom data ${JSON.stringify(stored?.resultData?.metadata ?? null)}`,
					);
					console.log(
						`      run data: ${JSON.stringify(
							Object.fromEntries(
								Object.entries(stored?.resultData?.runData ?? {}).map(([name, runs]) => [
									name,
									runs.map((run) => ({
										status: run.executionStatus,
										items: run.data?.main?.[0]?.length ?? null,
										first: run.data?.main?.[0]?.[0]?.json ?? null,
									})),
								]),
							),
						)}`,
					);
					console.log(
						`      execution context ${JSON.stringify(stored?.executionData?.runtimeData ?? null)}, start stack ${JSON.stringify(
							(stored?.executionData?.nodeExecutionStack ?? []).map((entry) => entry.node.name),
						)}`,
					);
					const answer = await instance.rest('POST', `/rest/executions/${started[s.id]}/retry`, {
						loadWorkflow: false,
					});
					const retried = await executions.get(answer.id);
					console.log(
						`      retry ${retried.id}: ${retried.status}, mode ${retried.mode}, custom data ${JSON.stringify(
							retried.data?.resultData?.metadata ?? null,
						)}, context ${JSON.stringify(retried.data?.executionData?.runtimeData ?? null)}`,
					);
					console.log(
						`      retry's run data (runs per node, first run artificial?): ${JSON.stringify(
							Object.fromEntries(
								Object.entries(retried.data?.resultData?.runData ?? {}).map(([name, runs]) => [
									name,
									runs.map((run) =>
										run.data?.main?.[0]?.[0]?.json?.isArtificialRecoveredEventItem
											? 'artificial'
											: run.executionStatus,
									),
								]),
							),
						)}`,
					);
					console.log(`      counts per item after the retry: ${s.counts().join('/')}`);
					const output = retried.data?.resultData?.runData?.[NODE]?.at(-1);
					assert.deepEqual(s.counts(), [1, 1, 0, 1, 1], `${s.id}: sent again`);
					assert.equal(retried.status, 'error');
					assert.equal(output?.error?.message, REFUSAL);
					console.log(
						`      retry's ${NODE} output: ${JSON.stringify(output?.data?.main?.[0]?.map((i) => i.json) ?? output?.error?.message ?? null).slice(0, 600)}`,
					);
				},
			);
		}
	},
});

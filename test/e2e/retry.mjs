// Nothing sent twice on n8n's own Retry from the Executions list, in real n8n (both lines),
// through the packed package: `node test/e2e/retry.mjs [--n8n=2,1] [--no-build] [--keep]`.
// For each provider a workflow (Manual Trigger → Set → Split Out: 5 items → the node, Continue On
// Fail off, 5 in flight) whose provider refuses item 3 until the node gives up, while items 1, 2,
// 4 and 5 go out: each create, and each send (Fanvue, Chatwoot and Chert Message → Send into
// chats and conversations opened before). n8n is restarted before every retry, so only what n8n stored with the
// executions can tell a retry what was sent (as on another worker, or the next day):
// 1. the failed run;
// 2. Retry (original workflow) while item 3 is still refused: it fails again;
// 3. the provider is fixed; Retry of that failed retry: it succeeds (n8n refuses a third retry
//    of a succeeded one);
// 4. Retry of the first failed run with the currently saved workflow (n8n still offers it: only
//    the execution a successful retry repeated is marked as retried);
// 5. a new execution with the same data sends all 5 again.
// Counts from the fakes must stay at exactly one chat / message / conversation per item. Then
// Chatwoot with the node's Retry On Fail after a dropped connection. Ends with
// "N passed, N failed"; exits 1 on failure.
import assert from 'node:assert/strict';

import { packageName } from '../../scripts/lib/package.mjs';
import { fanvueOAuth2Credential } from './lib/fanvue-credential.mjs';
import { runE2e } from './lib/runner.mjs';

const NODE = 'Create';
const INBOX = 'inboxApiSecret123';
const ITEMS = [1, 2, 3, 4, 5];
const MAY_ALREADY_EXIST =
	'The conversation may already exist: an earlier try of this item failed after its request reached Chatwoot';
const PHASES = [
	'after the failed run',
	'after Retry (item 3 still refused)',
	'after Retry of that retry',
	'after Retry of the first run, saved workflow',
	'after a new execution',
];

/** Manual Trigger → Set (a list) → Split Out (one item per entry) → the provider node. */
function workflow(id, name, rows, node, credential) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
			'One item per row': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
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
				name: 'One item per row',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'rows', options: {} },
			},
			{
				id: 'create',
				name: NODE,
				typeVersion: 1,
				position: [600, 0],
				...node,
				credentials: { [credential.type]: { id: credential.id, name: credential.name } },
			},
		],
	};
}

/** POST to a fake's own API, to open the chats and conversations the sends go into. */
async function postJson(url, body, headers = {}) {
	const answer = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	assert.ok(answer.ok, `${url}: ${answer.status}`);
	return await answer.json();
}

/**
 * Each provider: its credential, workflow parameters, how item 3 is refused, and the counts.
 * `handsBack`: no idempotency key in the provider's API, so a retry answers done items itself and
 * marks them with that output field.
 */
async function providers(fakes) {
	const { recoup, chert, chatwoot, fanvue } = fakes;
	const leads = ITEMS.map((n) => `+1415555100${n}`);
	const contacts = ITEMS.map(() => chatwoot.addContact(INBOX));
	// Fanvue's fake knows three fans (the third not contactable); two more make five.
	for (const n of [4, 5]) {
		fanvue.fans.push({
			uuid: `f0000000-0000-4000-8000-00000000010${n}`,
			handle: `fan${n}`,
			displayName: `Fan ${n}`,
			contactable: true,
		});
	}
	const [ada, grace, blocked, ...others] = fanvue.fans;
	const fans = [ada, grace, blocked, ...others];
	const messagesToFan = (fan) =>
		fanvue.messages.filter((m) => m.chat === `self/${fan.uuid}`).length;
	// Existing contacts with one open conversation each, and Chert chats with their first message.
	const talkers = ITEMS.map(() => chatwoot.addContact(INBOX));
	const inbox = `${chatwoot.baseUrl}/public/api/v1/inboxes/${INBOX}`;
	const openConversations = [];
	for (const contact of talkers) {
		const opened = await postJson(`${inbox}/contacts/${contact}/conversations`, {});
		openConversations.push({ contact, conversation: opened.id });
	}
	const chertChats = [];
	for (const n of ITEMS) {
		const opened = await postJson(
			`${chert.apiBaseUrl}/chats`,
			{
				from: '+15555550100',
				to: [`+1415555300${n}`],
				message: { parts: [{ type: 'text', value: 'Hi - got a minute?' }] },
			},
			{ authorization: `Bearer ${chert.singleTenant.signingSecret}` },
		);
		chertChats.push(opened.chat.id);
	}
	const chertCredential = {
		id: 'retryChert',
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
		{ id: 'retryFanvue', name: 'Fanvue' },
		fanvue,
		fanvue.tokens.issueGrant(),
	);
	const chatwootCredential = {
		id: 'retryChatwoot',
		name: 'Chatwoot',
		type: 'chatProvidersChatwootApi',
		data: { baseUrl: chatwoot.baseUrl, inboxSecret: INBOX, contactIdentifier: '', hmacToken: '' },
	};
	const conversationsOfCase = (n) =>
		chatwoot.conversations.filter((c) => c.custom_attributes.case === String(n)).length;
	const refuseChatwootItem3 = () =>
		chatwoot.scriptFor('POST', /\/conversations$/, '"case":"3"', {
			status: 422,
			body: { status: 422, error: 'Unprocessable Entity' },
		});
	const chatwootNode = (contactFields) => ({
		type: `${packageName}.chatwoot`,
		parameters: {
			resource: 'conversation',
			operation: 'create',
			...contactFields,
			customAttributes: { attribute: [{ key: 'case', value: '={{ $json.case }}' }] },
			options: { parallelRequests: 5 },
		},
	});
	return [
		{
			id: 'recoup',
			title: 'Recoup chats per item',
			credential: {
				id: 'retryRecoup',
				name: 'Recoup',
				type: 'chatProvidersRecoupApi',
				data: { apiKey: recoup.apiKey, baseUrl: recoup.baseUrl },
			},
			rows: ITEMS.map((n) => ({ topic: `Release plan ${n}` })),
			node: {
				type: `${packageName}.recoup`,
				parameters: {
					resource: 'chat',
					operation: 'create',
					artist: { __rl: true, mode: 'id', value: recoup.artists[0].id },
					topic: '={{ $json.topic }}',
					options: { parallelRequests: 5 },
				},
			},
			refuse: () => recoup.failCreates('Release plan 3', 1000),
			fix: () => recoup.failCreates('Release plan 3', 0),
			counts: () =>
				ITEMS.map(
					(n) =>
						[...recoup.chats.values()].filter((chat) => chat.topic === `Release plan ${n}`).length,
				),
		},
		{
			id: 'chert',
			title: 'Chert messages per recipient',
			credential: chertCredential,
			rows: leads.map((lead) => ({ lead })),
			node: {
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
			refuse: () =>
				chert.refuseOnce(leads[2], {
					status: 503,
					body: {
						success: false,
						error: { status: 503, code: 4002, message: 'All lines saturated', retryable: false },
						trace_id: 'trc_e2e',
					},
				}),
			fix: () => undefined,
			counts: () =>
				leads.map(
					(lead) =>
						chert.messages.filter((message) => chert.chats.get(message.chatId)?.to.includes(lead))
							.length,
				),
		},
		{
			id: 'chatwootNewContact',
			handsBack: 'createdByEarlierTry',
			title: 'Chatwoot conversations per item (a contact the node creates)',
			credential: chatwootCredential,
			rows: ITEMS.map((n) => ({ name: `Lead ${n}`, case: String(n) })),
			node: chatwootNode({ contactSource: 'create', contactName: '={{ $json.name }}' }),
			refuse: refuseChatwootItem3,
			fix: () => undefined,
			counts: () => ITEMS.map(conversationsOfCase),
		},
		{
			id: 'chatwootExistingContact',
			handsBack: 'createdByEarlierTry',
			title: 'Chatwoot conversations per item (existing contacts by identifier)',
			credential: chatwootCredential,
			rows: ITEMS.map((n) => ({ contact: contacts[n - 1], case: String(100 + n) })),
			node: chatwootNode({
				contactSource: 'identifier',
				contactIdentifier: '={{ $json.contact }}',
			}),
			refuse: () =>
				chatwoot.scriptFor('POST', /\/conversations$/, '"case":"103"', {
					status: 422,
					body: { status: 422, error: 'Unprocessable Entity' },
				}),
			fix: () => undefined,
			counts: () => ITEMS.map((n) => conversationsOfCase(100 + n)),
		},
		{
			id: 'fanvue',
			handsBack: 'createdByEarlierTry',
			title: 'Fanvue chats per fan',
			credential: fanvueCredential,
			rows: fans.map((fan) => ({ fan: fan.uuid })),
			node: {
				type: `${packageName}.fanvue`,
				parameters: {
					resource: 'chat',
					operation: 'create',
					fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
					options: { parallelRequests: 5 },
				},
			},
			refuse: () => {
				blocked.contactable = false;
			},
			fix: () => {
				blocked.contactable = true;
			},
			counts: () =>
				fans.map((fan) => fanvue.chats.filter((chat) => chat === `self/${fan.uuid}`).length),
		},
		{
			id: 'fanvueSend',
			handsBack: 'sentByEarlierTry',
			title: 'Fanvue Message → Send: messages per fan',
			credential: fanvueCredential,
			rows: fans.map((fan, i) => ({ fan: fan.uuid, n: i + 1 })),
			node: {
				type: `${packageName}.fanvue`,
				parameters: {
					resource: 'message',
					operation: 'send',
					fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
					text: '=Thanks for subscribing! ({{ $json.n }})',
					options: { parallelRequests: 5 },
				},
			},
			// Refused before Fanvue acted (a 400), so a retry may send it.
			refuse: () =>
				fanvue.script('POST', new RegExp(`/chats/${blocked.uuid}/message$`), {
					status: 400,
					body: { message: 'This user cannot be messaged' },
				}),
			fix: () => undefined,
			counts: () => fans.map(messagesToFan),
		},
		{
			id: 'chatwootSend',
			handsBack: 'sentByEarlierTry',
			title: 'Chatwoot Message → Send: messages per conversation',
			credential: chatwootCredential,
			rows: openConversations.map((row, i) => ({ ...row, n: i + 1 })),
			node: {
				type: `${packageName}.chatwoot`,
				parameters: {
					resource: 'message',
					operation: 'send',
					contactIdentifier: '={{ $json.contact }}',
					conversationId: '={{ $json.conversation }}',
					content: '=Follow-up {{ $json.n }}',
					options: { parallelRequests: 5 },
				},
			},
			refuse: () =>
				chatwoot.scriptFor('POST', /\/messages$/, '"Follow-up 3"', {
					status: 422,
					body: { status: 422, error: 'Unprocessable Entity' },
				}),
			fix: () => undefined,
			counts: () =>
				openConversations.map(
					({ conversation }) =>
						chatwoot.conversations.find((c) => c.id === conversation).messages.length,
				),
		},
		{
			id: 'chertSend',
			title: 'Chert Message → Send: follow-ups per chat',
			credential: chertCredential,
			rows: chertChats.map((chatId, i) => ({ chatId, n: i + 1 })),
			node: {
				type: `${packageName}.chert`,
				parameters: {
					resource: 'message',
					operation: 'send',
					chatId: '={{ $json.chatId }}',
					parts: { part: [{ type: 'text', text: '=How about 3pm? ({{ $json.n }})' }] },
					options: { parallelRequests: 5 },
				},
			},
			refuse: () =>
				chert.script('POST', new RegExp(`/chats/${chertChats[2]}/messages$`), {
					status: 400,
					body: {
						success: false,
						error: { status: 400, code: 1001, message: 'parts are required', retryable: false },
						trace_id: 'trc_e2e_send',
					},
				}),
			fix: () => undefined,
			// The chat's first message is not a follow-up.
			counts: () =>
				chertChats.map(
					(chatId) =>
						chert.messages.filter((m) => m.chatId === chatId && m.direction === 'outbound').length -
						1,
				),
		},
	].map((provider) => ({ ...provider, workflowId: `retry_${provider.id}` }));
}

/** Chatwoot with the node's Retry On Fail (2 tries, no wait); one item. */
function retryOnFailWorkflows(contact, credential) {
	const settings = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
	const node = (contactFields, marker) => ({
		type: `${packageName}.chatwoot`,
		...settings,
		parameters: {
			resource: 'conversation',
			operation: 'create',
			...contactFields,
			customAttributes: { attribute: [{ key: 'case', value: marker }] },
		},
	});
	return {
		existing: workflow(
			'retryOnFail_existing',
			'Chatwoot: Retry On Fail, existing contact',
			[{ n: 1 }],
			node({ contactSource: 'identifier', contactIdentifier: contact }, 'drop-existing'),
			credential,
		),
		created: workflow(
			'retryOnFail_created',
			'Chatwoot: Retry On Fail, a contact the node creates',
			[{ n: 1 }],
			node({ contactSource: 'create', contactName: 'Grace' }, 'drop-created'),
			credential,
		),
	};
}

function printTable(title, rows) {
	const width = Math.max(...PHASES.map((phase) => phase.length));
	console.log(`    ${title} (items 1/2/3/4/5)`);
	for (const [phase, counts] of rows)
		console.log(`      ${phase.padEnd(width)}  ${counts.join('/')}`);
}

await runE2e({
	title: 'Retry e2e',
	heading: 'Retry from the Executions list sends nothing twice',
	folder: 'retry',
	async line({ label, report, instance, executions, startFake, cleanup, setUp, restart }) {
		const fakes = {
			recoup: await startFake('recoup'),
			chert: await startFake('chert'),
			chatwoot: await startFake('chatwoot'),
			fanvue: await startFake('fanvue'),
		};
		const list = await providers(fakes);
		const credentials = [...new Map(list.map((p) => [p.credential.id, p.credential])).values()];
		const saved = (parallelRequests) =>
			list.map((p) => {
				const node = structuredClone(p.node);
				node.parameters.options.parallelRequests = parallelRequests;
				return workflow(p.workflowId, `Retry: ${p.id}`, p.rows, node, p.credential);
			});
		const chatwootCredential = list.find((p) => p.id === 'chatwootExistingContact').credential;
		const onFail = retryOnFailWorkflows(fakes.chatwoot.addContact(INBOX), chatwootCredential);
		const errorOf = (found) =>
			found.data?.resultData?.error?.message ??
			found.data?.resultData?.runData?.[NODE]?.at(-1)?.error?.message;
		const retry = async (id, loadWorkflow) => {
			const answer = await instance.rest('POST', `/rest/executions/${id}/retry`, { loadWorkflow });
			return await executions.get(answer.id);
		};
		const tables = Object.fromEntries(list.map((p) => [p.id, []]));
		/** Runs one step for every provider, then keeps the counts (also when a check then fails). */
		const phase = async (index, step) => {
			const found = {};
			for (const p of list) found[p.id] = await step(p);
			for (const p of list) tables[p.id].push([PHASES[index], p.counts()]);
			return found;
		};
		const runs = {};
		cleanup(() => {
			for (const p of list) printTable(p.title, tables[p.id]);
		});

		await setUp({
			credentials,
			workflows: [...saved(5), onFail.existing, onFail.created],
		});

		await report.check(
			`${label} the failed runs: items 1, 2, 4, 5 sent, item 3 refused`,
			async () => {
				const found = await phase(0, async (p) => {
					p.refuse();
					return await executions.run(p.workflowId);
				});
				for (const p of list) {
					assert.equal(found[p.id].status, 'error', `${p.id}: ${found[p.id].status}`);
					assert.equal(found[p.id].mode, 'manual');
					assert.deepEqual(p.counts(), [1, 1, 0, 1, 1], p.id);
					runs[p.id] = { failed: found[p.id] };
				}
			},
		);

		await restart();
		await report.check(
			`${label} Retry (original workflow) while item 3 is still refused: fails again, nothing sent twice`,
			async () => {
				const found = await phase(1, async (p) => {
					p.refuse();
					return await retry(runs[p.id].failed.id, false);
				});
				for (const p of list) {
					assert.equal(found[p.id].mode, 'retry');
					assert.equal(found[p.id].retryOf, String(runs[p.id].failed.id));
					assert.equal(found[p.id].status, 'error', `${p.id}: ${found[p.id].status}`);
					assert.deepEqual(p.counts(), [1, 1, 0, 1, 1], p.id);
					runs[p.id].retried = found[p.id];
				}
			},
		);

		for (const p of list) p.fix();
		await restart();
		await report.check(
			`${label} Retry of that failed retry, provider fixed: succeeds, one per item in all`,
			async () => {
				const found = await phase(2, async (p) => await retry(runs[p.id].retried.id, false));
				for (const p of list) {
					assert.equal(found[p.id].status, 'success', `${p.id}: ${errorOf(found[p.id])}`);
					assert.deepEqual(p.counts(), [1, 1, 1, 1, 1], p.id);
					runs[p.id].retriedAgain = found[p.id];
				}
			},
		);

		await report.check(`${label} n8n refuses to retry a retry that succeeded`, async () => {
			for (const p of list) {
				await assert.rejects(
					instance.rest('POST', `/rest/executions/${runs[p.id].retriedAgain.id}/retry`, {
						loadWorkflow: false,
					}),
					/The execution succeeded, so it cannot be retried/,
				);
			}
		});

		// The saved workflow changes (fewer requests in flight) while n8n is down.
		await instance.stop();
		await instance.importJson('workflow', 'workflows-saved.json', saved(2));
		await restart();
		await report.check(
			`${label} Retry of the first failed run with the saved workflow: succeeds, nothing sent twice`,
			async () => {
				const found = await phase(3, async (p) => {
					// The editor offers Retry on a failed execution until it has a successful retry.
					const first = await instance.rest('GET', `/rest/executions/${runs[p.id].failed.id}`);
					assert.ok(!first.retrySuccessId, `${p.id}: n8n marks the first run as retried`);
					return await retry(runs[p.id].failed.id, true);
				});
				for (const p of list) {
					const { status, workflowData, data } = found[p.id];
					assert.equal(status, 'success', `${p.id}: ${errorOf(found[p.id])}`);
					assert.deepEqual(p.counts(), [1, 1, 1, 1, 1], p.id);
					const node = workflowData.nodes.find((n) => n.name === NODE);
					assert.equal(node.parameters.options.parallelRequests, 2, 'the saved workflow ran');
					if (p.handsBack) {
						const output = data.resultData.runData[NODE].at(-1).data.main[0];
						assert.deepEqual(
							output.map((item) => item.json[p.handsBack]),
							[true, true, true, true, true],
							`${p.id}: every item handed back from an earlier try`,
						);
					}
				}
			},
		);

		await report.check(
			`${label} a new execution with the same data sends all 5 again`,
			async () => {
				const found = await phase(4, async (p) => await instance.runFromEditor(p.workflowId));
				for (const p of list) {
					assert.equal(found[p.id].status, 'success', p.id);
					assert.deepEqual(p.counts(), [2, 2, 2, 2, 2], p.id);
				}
			},
		);

		await report.check(
			`${label} Chatwoot Retry On Fail after a dropped connection, existing contact: refused, 1 POST`,
			async () => {
				const { chatwoot } = fakes;
				const before = chatwoot.requestsTo('POST', /\/conversations$/).length;
				chatwoot.scriptFor('POST', /\/conversations$/, 'drop-existing', {
					status: 200,
					drop: true,
				});
				const found = await executions.run(onFail.existing.id);
				assert.equal(found.status, 'error');
				assert.equal(errorOf(found), MAY_ALREADY_EXIST);
				assert.equal(chatwoot.requestsTo('POST', /\/conversations$/).length - before, 1, 'POSTs');
				assert.equal(
					chatwoot.conversations.filter((c) => c.custom_attributes.case === 'drop-existing').length,
					0,
				);
			},
		);

		await report.check(
			`${label} Chatwoot Retry On Fail after a dropped connection, created contact: one conversation`,
			async () => {
				const { chatwoot } = fakes;
				chatwoot.scriptFor('POST', /\/conversations$/, 'drop-created', {
					status: 200,
					drop: true,
				});
				const found = await executions.run(onFail.created.id);
				assert.equal(found.status, 'success', errorOf(found));
				assert.equal(
					chatwoot.conversations.filter((c) => c.custom_attributes.case === 'drop-created').length,
					1,
				);
			},
		);
	},
});

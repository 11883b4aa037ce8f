// A Fanvue refresh that fails under load, in real n8n (both lines), through the packed package:
// `node test/e2e/refresh-failure.mjs [--n8n=2,1] [--no-build] [--keep]`.
// One n8n process runs two executions of the same workflow (40 items, 25 in flight, Continue On
// Fail) with the same credential, as a user would from the editor:
// 1. the access token has expired and the token endpoint answers invalid_grant: every item fails
//    with the package's message and reconnect hint, no item shows the OAuth library's own words,
//    and the token endpoint is asked once;
// 2. the token endpoint works again and Fanvue answers the first request with 429: the pacer turns
//    and refresh state the failed execution left behind do not block it; all 40 chats are created
//    after one refresh. Ends with "N passed, N failed"; exits 1 on failure.
import assert from 'node:assert/strict';

import { packageName } from '../../scripts/lib/package.mjs';
import { outputOf } from './lib/executions.mjs';
import { fanvueOAuth2Credential } from './lib/fanvue-credential.mjs';
import { runE2e } from './lib/runner.mjs';

const ITEMS = 40;
const NODE = 'Open Fanvue chat';
const CREDENTIAL = { id: 'fanvueRefreshFailure1', name: 'Fanvue (refresh fails)' };
const WORKFLOW_ID = 'fanvueRefreshFailureWorkflow';
const PACKAGE_MESSAGE = 'Fanvue: The connection expired and could not be renewed';
// What the OAuth library says about invalid_grant, which must never be an item's error alone.
const LIBRARY_WORDS = 'The provided authorization grant';

function workflow(fanUuid) {
	return {
		id: WORKFLOW_ID,
		name: 'Fanvue: a refresh that fails under load',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			Start: { main: [[{ node: 'Fans', type: 'main', index: 0 }]] },
			Fans: { main: [[{ node: 'One item per fan', type: 'main', index: 0 }]] },
			'One item per fan': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
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
				id: 'fans',
				name: 'Fans',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: {
					assignments: {
						assignments: [
							{
								id: 'fans',
								name: 'fanUuid',
								type: 'array',
								value: `={{ Array.from({ length: ${ITEMS} }, () => '${fanUuid}') }}`,
							},
						],
					},
					options: {},
				},
			},
			{
				id: 'split',
				name: 'One item per fan',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'fanUuid', options: {} },
			},
			{
				id: 'fanvue',
				name: NODE,
				type: `${packageName}.fanvue`,
				typeVersion: 1,
				position: [600, 0],
				onError: 'continueRegularOutput',
				parameters: {
					resource: 'chat',
					operation: 'create',
					fan: { __rl: true, mode: 'id', value: '={{ $json.fanUuid }}' },
					options: { parallelRequests: 25 },
				},
				credentials: {
					chatProvidersFanvueOAuth2Api: CREDENTIAL,
				},
			},
		],
	};
}

await runE2e({
	title: 'Refresh failure e2e',
	heading: 'a Fanvue refresh that fails under load',
	folder: 'refresh',
	async line({ label, report, executions, startFake, setUp }) {
		const fanvue = await startFake('fanvue');
		const grant = fanvue.tokens.issueGrant();
		fanvue.tokens.expireAccessTokens();
		await setUp({
			credentials: [fanvueOAuth2Credential(CREDENTIAL, fanvue, grant)],
			workflows: [workflow(fanvue.fans[0].uuid)],
		});

		await report.check(
			`${label} token endpoint answers invalid_grant: all ${ITEMS} items say "${PACKAGE_MESSAGE}" after one token call`,
			async () => {
				fanvue.reset();
				fanvue.script('POST', '/oauth2/token', {
					status: 400,
					body: {
						error: 'invalid_grant',
						error_description: `${LIBRARY_WORDS} (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked`,
					},
				});
				const execution = await executions.run(WORKFLOW_ID);
				assert.equal(execution.status, 'success', 'Continue On Fail keeps the run going');
				const items = outputOf(execution, NODE);
				assert.equal(items.length, ITEMS);
				for (const item of items) {
					assert.equal(item.error, PACKAGE_MESSAGE, JSON.stringify(item));
					assert.match(item.description, /Reconnect the Fanvue credential/);
				}
				const raw = items.filter((item) => !String(item.error).startsWith('Fanvue: '));
				assert.equal(raw.length, 0, `${raw.length} items show a raw error`);
				assert.equal(fanvue.requestsTo('POST', '/oauth2/token').length, 1, 'token calls');
				assert.equal(fanvue.chats.length, 0);
				const everything = JSON.stringify(execution);
				for (const secret of [fanvue.clientSecret, grant.access_token, grant.refresh_token]) {
					assert.ok(!everything.includes(secret), 'A secret appears in the stored execution');
				}
			},
		);

		await report.check(
			`${label} the next execution, after a 429, runs all ${ITEMS} items with one refresh`,
			async () => {
				fanvue.reset();
				fanvue.script('POST', '/chats', {
					status: 429,
					headers: { 'retry-after': '1' },
					body: { message: 'Too many requests' },
				});
				const runStarted = Date.now();
				const execution = await executions.run(WORKFLOW_ID, 30_000);
				const tookMs = Date.now() - runStarted;
				assert.equal(execution.status, 'success');
				const items = outputOf(execution, NODE);
				assert.deepEqual(
					items.filter((item) => item.error !== undefined),
					[],
					'no item failed',
				);
				assert.equal(items.length, ITEMS);
				assert.equal(fanvue.chats.length, ITEMS);
				assert.deepEqual(
					fanvue.tokens.refreshLog.map((entry) => entry.outcome),
					['ok'],
				);
				assert.ok(tookMs < 15_000, `took ${tookMs} ms`);
				console.log(`      ${ITEMS} items in ${(tookMs / 1000).toFixed(1)} s, 1 refresh`);
			},
		);
	},
});

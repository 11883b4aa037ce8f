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
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureN8n, lineOf, N8N_LINES } from '../../scripts/lib/n8n.mjs';
import { freePort, N8nInstance } from '../../scripts/lib/instance.mjs';
import { build, installLikeN8n, pack, packageName } from '../../scripts/lib/package.mjs';
import { compileFakes } from '../fakes/compiled.mjs';
import { Report, seconds } from './lib/report.mjs';

const { values: args } = parseArgs({
	options: {
		n8n: { type: 'string', default: Object.keys(N8N_LINES).sort().reverse().join(',') },
		'no-build': { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
	},
});
const lines = args.n8n.split(',').map(lineOf);
const report = new Report();
const started = Date.now();

const ITEMS = 40;
const NODE = 'Open Fanvue chat';
const CREDENTIAL_ID = 'fanvueRefreshFailure1';
const SCOPE = 'openid offline_access offline read:self read:chat write:chat read:fan read:creator';
const PACKAGE_MESSAGE = 'Fanvue: The connection expired and could not be renewed';
// What the OAuth library says about invalid_grant, which must never be an item's error alone.
const LIBRARY_WORDS = 'The provided authorization grant';

function workflow(fanUuid) {
	return {
		id: 'fanvueRefreshFailureWorkflow',
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
					chatProvidersFanvueOAuth2Api: { id: CREDENTIAL_ID, name: 'Fanvue (refresh fails)' },
				},
			},
		],
	};
}

function credential(fanvue, grant) {
	return {
		id: CREDENTIAL_ID,
		name: 'Fanvue (refresh fails)',
		type: 'chatProvidersFanvueOAuth2Api',
		data: {
			grantType: 'pkce',
			clientId: fanvue.clientId,
			clientSecret: fanvue.clientSecret,
			authUrl: `${fanvue.baseUrl}/oauth2/auth`,
			accessTokenUrl: `${fanvue.baseUrl}/oauth2/token`,
			authentication: 'header',
			appScopes: SCOPE,
			scope: SCOPE,
			apiBaseUrl: fanvue.baseUrl,
			oauthTokenData: { ...grant, token_type: 'bearer' },
		},
	};
}

/**
 * Runs the workflow from the editor and returns the execution with its run data: n8n 1.x can
 * report an execution finished a moment before its run data is saved, so read it again until then.
 */
async function runToTheEnd(instance, timeoutMs) {
	let execution = await instance.runFromEditor('fanvueRefreshFailureWorkflow', timeoutMs);
	for (let attempt = 0; !execution.data && attempt < 20; attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		execution = await instance.rest('GET', `/rest/executions/${execution.id}`);
	}
	return execution;
}

/** The node's output items of an execution read over REST (n8n stores run data with flatted). */
function outputOf(execution, parse) {
	const data = typeof execution.data === 'string' ? parse(execution.data) : execution.data;
	const runs = data.resultData.runData[NODE];
	assert.ok(runs, `No run of "${NODE}": ${JSON.stringify(data.resultData.error ?? {})}`);
	return runs.at(-1).data.main[0].map((item) => item.json);
}

async function runLine(line, n8n, tarball, fakes) {
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-refresh-${line}x-`));
	const instance = new N8nInstance(n8n, {
		userFolder,
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: 'e2e-encryption-key-n8n-nodes-chat-providers',
	});
	const { FanvueFake } = fakes.load('fanvue');
	const fanvue = await new FanvueFake().start();
	// n8n's own copy of flatted reads the stored run data.
	const { parse } = createRequire(join(dirname(n8n.bin), '..', 'package.json'))('flatted');
	const label = `[${line}.x]`;
	try {
		await installLikeN8n(userFolder, tarball);
		const grant = fanvue.tokens.issueGrant();
		fanvue.tokens.expireAccessTokens();
		await instance.importJson('credentials', 'credentials.json', [credential(fanvue, grant)]);
		await instance.importJson('workflow', 'workflows.json', [workflow(fanvue.fans[0].uuid)]);
		await instance.start();
		await instance.ownerLogin();

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
				const execution = await runToTheEnd(instance);
				assert.equal(execution.status, 'success', 'Continue On Fail keeps the run going');
				const items = outputOf(execution, parse);
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
				const execution = await runToTheEnd(instance, 30_000);
				const tookMs = Date.now() - runStarted;
				assert.equal(execution.status, 'success');
				const items = outputOf(execution, parse);
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
	} finally {
		await instance.stop();
		await fanvue.stop();
		if (args.keep) console.log(`  kept ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
	}
}

async function main() {
	if (!args['no-build']) {
		console.log('Building the package...');
		await build();
	}
	const tarball = await pack();
	const fakes = await compileFakes();
	for (const line of lines) {
		const lineStarted = Date.now();
		const n8n = await ensureN8n(line);
		console.log(`\nn8n ${n8n.version} (${line}.x): a Fanvue refresh that fails under load`);
		await runLine(line, n8n, tarball, fakes);
		console.log(`  n8n ${n8n.version} done in ${seconds(lineStarted)}`);
	}
}

try {
	await main();
} catch (error) {
	report.failed += 1;
	console.error(error);
}
console.log(`\nRefresh failure e2e finished in ${seconds(started)}`);
console.log(report.summary());
process.exit(report.failed > 0 || report.passed === 0 ? 1 : 0);

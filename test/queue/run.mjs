// n8n queue mode with real Redis and PostgreSQL and two workers, through the packed package:
// `npm run test:queue [-- --n8n=1] [--quick] [--executions=N] [--no-build] [--keep]`.
// 1. burst: N webhook calls at once (200; 20 with --quick), each opening one chat on every
//    provider's fake: all executions succeed, both workers take a share, no chat twice, none lost,
//    and Fanvue's 429s are counted (each process paces on its own);
// 2. refresh race: the Fanvue access token has expired and executions start on both workers at
//    once, against a token endpoint that rotates refresh tokens and revokes the chain on reuse;
// 3. a worker killed (SIGKILL) mid-execution and started again: what n8n does with what it was
//    running, and that no chat is created twice.
// Everything runs on 127.0.0.1 and is stopped at the end. Ends with "N passed, N failed".
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { freePort } from '../../scripts/lib/instance.mjs';
import { ensureN8n, lineOf } from '../../scripts/lib/n8n.mjs';
import { build, pack } from '../../scripts/lib/package.mjs';
import { compileFakes } from '../../fakes/compiled.mjs';
import { Report, seconds } from '../../scripts/lib/report.mjs';
import { QueueCluster } from './lib/cluster.mjs';
import { ensurePackages, startPostgres, startRedis } from './lib/services.mjs';
import {
	addFans,
	credentials,
	resetFakes,
	startFakes,
	tally,
	WEBHOOK_PATH,
	webhookWorkflow,
	WORKFLOW_ID,
} from './lib/workflow.mjs';

const { values: args } = parseArgs({
	options: {
		n8n: { type: 'string', default: '2' },
		quick: { type: 'boolean', default: false },
		executions: { type: 'string' },
		rounds: { type: 'string' },
		only: { type: 'string', default: 'burst,race,kill' },
		'no-build': { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
	},
});
const line = lineOf(args.n8n);
const EXECUTIONS = Number(args.executions ?? (args.quick ? 20 : 200));
const RACE_ROUNDS = Number(args.rounds ?? (args.quick ? 3 : 8));
const CRASHED_RETRY = 'the execution this retry repeats stopped while the node was running';
const SECOND_START = 'n8n started this execution again after the worker running it stopped';
const KILL_EXECUTIONS = args.quick ? 8 : 20;
const phases = new Set(args.only.split(','));
const WORKERS = 2;
const CONCURRENCY = 10;
const report = new Report();
const started = Date.now();
const figures = { n8n: '', line, executions: EXECUTIONS };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls the production webhook for every n, at most `inFlight` at a time. */
/**
 * Posts one webhook call per number, `inFlight` at a time. n8n answers 503 "Database is not ready!"
 * before any route while its last database health check timed out (5 s; the burst's own queries
 * can delay it on a loaded machine): nothing ran, so the sender tries again, as webhook senders
 * do on a 5xx. Answers how many calls were re-sent that way.
 */
async function fire(cluster, numbers, inFlight = 50) {
	const url = `${cluster.main.url}/webhook/${WEBHOOK_PATH}`;
	const queue = [...numbers];
	const refused = [];
	let resent = 0;
	const post = async (n) =>
		await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ n }),
		});
	await Promise.all(
		Array.from({ length: Math.min(inFlight, queue.length) }, async () => {
			while (queue.length) {
				const n = queue.shift();
				let answer = await post(n);
				for (let tries = 1; tries <= 20 && (await databaseNotReady(answer)); tries++) {
					resent++;
					await sleep(1000);
					answer = await post(n);
				}
				if (!answer.ok) refused.push({ n, status: answer.status, body: await answer.text() });
			}
		}),
	);
	assert.deepEqual(refused, [], 'the webhook took every call');
	return resent;
}

async function databaseNotReady(answer) {
	if (answer.status !== 503) return false;
	const body = await answer.clone().text();
	return body.includes('Database is not ready');
}

async function lastExecutionId(db) {
	const [[id]] = await db.query('SELECT coalesce(max(id), 0) FROM execution_entity');
	return Number(id);
}

/** The workflow's executions after `sinceId`, once `count` of them have ended (or the time is up). */
async function executionsAfter(db, sinceId, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let rows = [];
	while (Date.now() < deadline) {
		rows = await db.query(
			`SELECT id, status FROM execution_entity WHERE "workflowId" = '${WORKFLOW_ID}' AND id > ${sinceId} ORDER BY id`,
		);
		const ended = rows.filter(([, status]) => !['new', 'running', 'waiting'].includes(status));
		if (rows.length >= count && ended.length === rows.length) break;
		await sleep(500);
	}
	return rows.map(([id, status]) => ({ id, status }));
}

function countBy(values) {
	const counts = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

/** Which worker started each execution (an execution started twice is listed twice). */
function split(cluster, ids) {
	const wanted = new Set(ids);
	const result = {};
	for (const [worker, started] of Object.entries(cluster.startedBy())) {
		result[worker] = started.filter((id) => wanted.has(id));
	}
	return result;
}

/** An execution's error messages, from the stored run data (n8n stores it flattened). */
async function errorsOf(cluster, id) {
	const execution = await cluster.main.rest('GET', `/rest/executions/${id}`);
	const text = typeof execution.data === 'string' ? execution.data : JSON.stringify(execution.data);
	const fromNodes = [
		...text.matchAll(/"((?:Fanvue|Recoup|Chatwoot|Chert): [^"]{3,120})"/g),
		...text.matchAll(/"(This item may already be sent: [^"]{3,160})"/g),
	];
	const fromN8n = [
		...text.matchAll(/"([^"]{0,80}(?:stalled|crashed|worker|Worker|lost)[^"]{0,120})"/g),
	];
	return [...new Set([...fromNodes, ...fromN8n].map((m) => m[1]))];
}

/**
 * Ory Hydra (fosite's handleRefreshTokenReuse) revokes the access tokens of the chain too when a
 * used refresh token comes back; the fake keeps them. One chain per round here, so all of them.
 */
function revokeAccessTokensOnReuse(fanvue) {
	const log = fanvue.tokens.refreshLog;
	const push = log.push.bind(log);
	log.push = (...entries) => {
		if (entries.some((entry) => entry.outcome === 'reused')) fanvue.tokens.expireAccessTokens();
		return push(...entries);
	};
}

async function burst(cluster, db, fakes) {
	const leads = Array.from({ length: EXECUTIONS }, (_, i) => i + 1);
	resetFakes(fakes);
	addFans(fakes.fanvue, leads);
	// Other workflows have used part of this minute's Fanvue budget: the pacers must slow down.
	const budget = Math.floor(EXECUTIONS * 0.75);
	fakes.fanvue.drainRateLimit(budget);
	const sinceId = await lastExecutionId(db);
	const firedAt = Date.now();
	const resent = await fire(cluster, leads);
	const firedMs = Date.now() - firedAt;
	const executions = await executionsAfter(db, sinceId, EXECUTIONS, 10 * 60_000);
	const tookMs = Date.now() - firedAt;
	const statuses = countBy(executions.map((execution) => execution.status));
	const perWorker = split(
		cluster,
		executions.map((execution) => execution.id),
	);
	const chats = tally(fakes, leads);
	const burstFigures = {
		fired: EXECUTIONS,
		resentAfterDatabaseNotReady: resent,
		firedSeconds: firedMs / 1000,
		seconds: tookMs / 1000,
		executions: executions.length,
		statuses,
		split: Object.fromEntries(
			Object.entries(perWorker).map(([worker, ids]) => [worker, ids.length]),
		),
		chats,
		fanvue429: fakes.fanvue.rateLimited.length,
		fanvueBudgetAtStart: budget,
		fanvueRequests: fakes.fanvue.requestsTo('POST', '/chats').length,
	};
	figures.burst = burstFigures;
	console.log(`      ${JSON.stringify(burstFigures)}`);

	await report.check(
		`${EXECUTIONS} webhook calls: ${EXECUTIONS} executions, all succeeded, none lost`,
		() => {
			assert.equal(executions.length, EXECUTIONS, 'executions stored');
			assert.deepEqual(statuses, { success: EXECUTIONS });
		},
	);
	await report.check('both workers took a share', () => {
		for (const [worker, ids] of Object.entries(perWorker))
			assert.ok(ids.length > 0, `${worker} ran none`);
		const total = Object.values(perWorker).reduce((sum, ids) => sum + ids.length, 0);
		assert.equal(total, EXECUTIONS, 'each execution started once');
	});
	await report.check('one chat per call on every provider: 0 duplicated, 0 missing', () => {
		for (const [provider, counts] of Object.entries(chats)) {
			assert.deepEqual(counts, { chats: EXECUTIONS, missing: 0, duplicated: 0 }, provider);
		}
	});
	await report.check(
		`Fanvue: every item got through its rate limit (${burstFigures.fanvue429} × 429 answered, retried after Retry-After)`,
		() => assert.equal(fakes.fanvue.chats.length, EXECUTIONS),
	);
}

/**
 * Each round: a fresh connection whose access token has expired, then executions on both
 * workers at once. Counts refreshes, reuse detections and failed executions.
 */
async function race(cluster, db, fakes) {
	const { fanvue } = fakes;
	revokeAccessTokensOnReuse(fanvue);
	const perRound = 2 * WORKERS;
	const rounds = [];
	let n = 0;
	for (let round = 1; round <= RACE_ROUNDS; round++) {
		resetFakes(fakes);
		fanvue.grant = fanvue.tokens.issueGrant();
		fanvue.tokens.expireAccessTokens();
		await cluster.main.importJson('credentials', `race-${round}.json`, [credentials(fakes)[0]]);
		const sinceId = await lastExecutionId(db);
		const leads = Array.from({ length: perRound }, () => 5000 + ++n);
		addFans(fanvue, leads);
		await fire(cluster, leads);
		const executions = await executionsAfter(db, sinceId, perRound, 120_000);
		const workersUsed = Object.values(
			split(
				cluster,
				executions.map((e) => e.id),
			),
		).filter((ids) => ids.length > 0).length;
		const outcomes = countBy(fanvue.tokens.refreshLog.map((entry) => entry.outcome));
		const failed = executions.filter((execution) => execution.status !== 'success');
		const errors = failed.length ? await errorsOf(cluster, failed[0].id) : [];
		rounds.push({
			round,
			executions: executions.length,
			workersUsed,
			refreshes: fanvue.tokens.refreshLog.length,
			ok: outcomes.ok ?? 0,
			reused: outcomes.reused ?? 0,
			invalid: outcomes.invalid ?? 0,
			failed: failed.length,
			chats: fanvue.chats.length,
			error: errors.find((message) => message.startsWith('Fanvue')) ?? null,
		});
		console.log(`      round ${round}: ${JSON.stringify(rounds.at(-1))}`);
	}
	const raced = rounds.filter((round) => round.reused > 0);
	figures.race = {
		rounds: rounds.length,
		executionsPerRound: perRound,
		roundsWithReuse: raced.length,
		refreshes: rounds.reduce((sum, round) => sum + round.refreshes, 0),
		reuseDetections: rounds.reduce((sum, round) => sum + round.reused, 0),
		failedExecutions: rounds.reduce((sum, round) => sum + round.failed, 0),
		executions: rounds.reduce((sum, round) => sum + round.executions, 0),
		rounds_: rounds,
	};
	await report.check('refresh race: every round ran on both workers', () => {
		for (const round of rounds) assert.equal(round.workersUsed, WORKERS, `round ${round.round}`);
	});
	await report.check(
		`refresh race (documented behaviour): ${raced.length} of ${rounds.length} rounds presented one refresh token twice; those rounds fail their Fanvue step (connection revoked: reconnect), the others succeed`,
		() => {
			for (const round of rounds) {
				if (round.reused > 0) {
					assert.ok(round.failed > 0, `round ${round.round}: a reuse and no failed execution`);
					// The loser's refresh is refused; the winner's new token dies with the chain.
					assert.match(String(round.error), /could not be renewed|Fanvue: Unauthorized/);
				} else {
					assert.equal(round.failed, 0, `round ${round.round}`);
					assert.equal(round.chats, perRound, `round ${round.round}: chats`);
				}
				// A chat is never opened twice, whatever the refresh did.
				assert.ok(round.chats <= perRound, `round ${round.round}: ${round.chats} chats`);
			}
		},
	);
}

/**
 * Retry from the Executions list of every execution the kill cut off, as a user would after it. n8n
 * rebuilt the crashed run data from its event log (placeholder items), so the retry's Fanvue step
 * knows the crashed run had started it and refuses its items: nothing sent again.
 */
async function retryCrashed(cluster, executions, fakes, leads) {
	// n8n ends a dead worker's executions `crashed` or, when Bull gave up on the job, `error`.
	const crashed = executions.filter((execution) => execution.status !== 'success');
	const answers = await Promise.all(
		crashed.map((execution) =>
			Promise.race([
				cluster.main
					.rest('POST', `/rest/executions/${execution.id}/retry`, { loadWorkflow: false })
					.then(
						async (retry) => {
							const id = retry?.data?.id ?? retry?.id;
							const status = retry?.data?.status ?? retry?.status;
							const why = id === undefined ? [] : await errorsOf(cluster, id);
							return `${status}${why.length ? `: ${why.join(' | ')}` : ''}`;
						},
						(error) => String(error.message).slice(0, 120),
					),
				sleep(120_000).then(() => 'no answer in 120 s'),
			]),
		),
	);
	const chats = tally(fakes, leads);
	figures.kill.retryOfCrashed = {
		retried: crashed.length,
		answers: countBy(answers),
		duplicatedAfterRetry: Object.fromEntries(
			Object.entries(chats).map(([provider, counts]) => [provider, counts.duplicated]),
		),
	};
	console.log(`      ${JSON.stringify(figures.kill.retryOfCrashed)}`);
	await report.check(
		'Retry of every execution the kill cut off: refused, nothing sent again',
		() => {
			// An execution cut off before its first send is sent by its retry: that is no duplicate.
			for (const answer of answers)
				assert.ok(answer === 'success' || answer.includes(CRASHED_RETRY), answer);
			for (const [provider, counts] of Object.entries(chats))
				assert.equal(counts.duplicated, 0, provider);
		},
	);
}

/** SIGKILL one worker while it runs executions, start it again, and see what n8n made of them. */
async function kill(cluster, db, fakes) {
	resetFakes(fakes);
	// Slow providers keep executions in flight long enough to be cut off.
	for (const fake of Object.values(fakes)) fake.latencyMs = 1500;
	// The Fanvue connection may be revoked by the race: a fresh one.
	fakes.fanvue.grant = fakes.fanvue.tokens.issueGrant();
	await cluster.main.importJson('credentials', 'kill.json', [credentials(fakes)[0]]);
	const sinceId = await lastExecutionId(db);
	const leads = Array.from({ length: KILL_EXECUTIONS }, (_, i) => 9000 + i + 1);
	addFans(fakes.fanvue, leads);
	const [victim] = cluster.workers;
	const startedBefore = cluster.startedBy()[victim.name].length;
	const startedAtBurst = Object.values(cluster.startedBy()).reduce(
		(sum, ids) => sum + ids.length,
		0,
	);
	await fire(cluster, leads);
	await victim.service.waitUntil(
		() => cluster.startedBy()[victim.name].length >= startedBefore + 2,
		'two executions started',
		60_000,
	);
	// Killed once every execution started so far has asked Fanvue for its chat: the victim's are
	// then past their first send, where a second start must not send again.
	const startedSoFar = () =>
		Object.values(cluster.startedBy()).reduce((sum, ids) => sum + ids.length, 0) - startedAtBurst;
	await victim.service.waitUntil(
		() => fakes.fanvue.chats.length >= startedSoFar(),
		'a Fanvue chat for every started execution',
		20_000,
	);
	const inFlight = cluster.startedBy()[victim.name].slice(startedBefore);
	const killedAt = Date.now();
	await victim.service.kill();
	await sleep(2000);
	await cluster.startWorker(victim);
	const executions = await executionsAfter(db, sinceId, KILL_EXECUTIONS, 240_000);
	for (const fake of Object.values(fakes)) fake.latencyMs = 0;
	const statuses = countBy(executions.map((execution) => execution.status));
	const chats = tally(fakes, leads);
	const starts = split(
		cluster,
		executions.map((execution) => execution.id),
	);
	const startCounts = countBy(Object.values(starts).flat());
	const startedTwice = Object.entries(startCounts)
		.filter(([, count]) => count > 1)
		.map(([id]) => id);
	const killedStatuses = countBy(
		executions
			.filter((execution) => inFlight.includes(execution.id))
			.map((execution) => execution.status),
	);
	const failedIds = executions.filter((execution) => execution.status !== 'success');
	const errors = countBy(
		(await Promise.all(failedIds.map((execution) => errorsOf(cluster, execution.id)))).map(
			(messages) => messages.join(' | ') || '(no node error)',
		),
	);
	// Start markers the Fanvue and Chatwoot steps left in n8n's deduplication store (one per step run).
	const stored = await db.query(
		`SELECT value FROM processed_data WHERE "workflowId" = '${WORKFLOW_ID}'`,
	);
	const startMarkers = stored
		.map(([value]) => JSON.parse(value)?.data?.length ?? 0)
		.reduce((a, b) => a + b, 0);
	const restartedErrors = (await Promise.all(startedTwice.map((id) => errorsOf(cluster, id)))).map(
		(messages) => messages.join(' | '),
	);
	figures.kill = {
		executions: executions.length,
		startMarkers,
		refusedAfterSecondStart: restartedErrors.filter((text) => text.includes(SECOND_START)).length,
		errors,
		inFlightOnKilledWorker: inFlight.length,
		statuses,
		killedStatuses,
		startedTwice: startedTwice.length,
		secondsUntilSettled: (Date.now() - killedAt) / 1000,
		chats,
	};
	console.log(`      ${JSON.stringify(figures.kill)}`);
	await report.check(
		`worker killed mid-execution: all ${KILL_EXECUTIONS} executions accounted for`,
		() => {
			assert.equal(executions.length, KILL_EXECUTIONS);
			for (const execution of executions)
				assert.notEqual(execution.status, 'running', execution.id);
		},
	);
	await report.check('worker killed mid-execution: no chat created twice on any provider', () => {
		for (const [provider, counts] of Object.entries(chats))
			assert.equal(counts.duplicated, 0, provider);
	});
	await report.check(
		'started twice: each execution succeeded, or refused to send again and said why',
		() => {
			for (const [i, id] of startedTwice.entries()) {
				const status = executions.find((execution) => execution.id === id)?.status;
				if (status !== 'success') assert.ok(restartedErrors[i].includes(SECOND_START), id);
			}
		},
	);
	await report.check('executions that were not on the killed worker succeeded', () => {
		const others = executions.filter((execution) => !inFlight.includes(execution.id));
		const notOk = others.filter((execution) => execution.status !== 'success');
		// An execution the victim picked up after the count above may also have been cut off.
		assert.ok(notOk.length <= CONCURRENCY, JSON.stringify(notOk));
	});
	await retryCrashed(cluster, executions, fakes, leads);
}

async function main() {
	const root = mkdtempSync(join(tmpdir(), `n8n-queue-${line}x-`));
	// PostgreSQL runs as its own user and must reach its folder.
	chmodSync(root, 0o755);
	mkdirSync(join(root, 'logs'));
	let postgres;
	let redis;
	let fakes;
	let cluster;
	try {
		const versions = await ensurePackages(console.log);
		figures.services = versions;
		if (!args['no-build']) {
			console.log('Building the package...');
			await build();
		}
		const tarball = await pack();
		const compiled = await compileFakes();
		const n8n = await ensureN8n(line);
		figures.n8n = n8n.version;
		console.log(
			`\nn8n ${n8n.version} queue mode: main + ${WORKERS} workers, ${versions.redis}, ${versions.postgres}`,
		);
		postgres = await startPostgres({
			dir: join(root, 'pg'),
			port: await freePort(),
			logDir: join(root, 'logs'),
		});
		redis = await startRedis({ port: await freePort(), logDir: join(root, 'logs') });
		fakes = await startFakes(compiled, []);
		cluster = new QueueCluster(n8n, {
			root,
			tarball,
			postgresPort: postgres.port,
			redisPort: redis.port,
			workers: WORKERS,
			concurrency: CONCURRENCY,
		});
		await cluster.prepare();
		// Short Bull locks, so a killed worker's jobs are found stalled within seconds (defaults: 60 s / 30 s).
		for (const worker of cluster.workers) {
			Object.assign(worker.service.options.env, {
				QUEUE_WORKER_LOCK_DURATION: '10000',
				QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
				QUEUE_WORKER_STALLED_INTERVAL: '5000',
			});
		}
		await cluster.main.importJson('credentials', 'credentials.json', credentials(fakes));
		await cluster.main.importJson('workflow', 'workflow.json', [webhookWorkflow()]);
		// 2.x publishes a workflow version; 1.x sets the workflow active.
		await cluster.main.cliOk(
			line === '2'
				? ['publish:workflow', `--id=${WORKFLOW_ID}`]
				: ['update:workflow', `--id=${WORKFLOW_ID}`, '--active=true'],
		);
		const startedAt = Date.now();
		await cluster.startMain();
		await cluster.startWorkers();
		console.log(`  main and ${WORKERS} workers ready in ${seconds(startedAt)}`);

		if (phases.has('burst')) {
			console.log(`\n  Burst: ${EXECUTIONS} webhook calls`);
			await burst(cluster, postgres, fakes);
		}
		if (phases.has('race')) {
			console.log(`\n  Fanvue refresh race: ${RACE_ROUNDS} rounds`);
			await race(cluster, postgres, fakes);
		}
		if (phases.has('kill')) {
			console.log('\n  A worker killed mid-execution');
			await kill(cluster, postgres, fakes);
		}
	} finally {
		await cluster?.stop();
		await redis?.service.stop();
		await postgres?.service.stop();
		for (const fake of Object.values(fakes ?? {})) await fake.stop();
		if (args.keep) console.log(`  kept ${root}`);
		else rmSync(root, { recursive: true, force: true });
	}
}

try {
	await main();
} catch (error) {
	report.failed += 1;
	console.error(error);
}
figures.seconds = (Date.now() - started) / 1000;
console.log(`\nFIGURES ${JSON.stringify(figures)}`);
console.log(`\nQueue mode test finished in ${seconds(started)}`);
console.log(report.summary());
process.exit(report.failed > 0 || report.passed === 0 ? 1 : 0);

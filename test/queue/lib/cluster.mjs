// n8n in queue mode: one main (`n8n start`, EXECUTIONS_MODE=queue) and workers (`n8n worker`),
// each with its own user folder holding the package as n8n's installer puts it there, sharing one
// PostgreSQL database, one Redis and one encryption key.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { freePort, N8nInstance } from '../../../scripts/lib/instance.mjs';
import { installLikeN8n } from '../../../scripts/lib/package.mjs';
import { Service } from './processes.mjs';

const ENCRYPTION_KEY = 'queue-test-encryption-key-n8n-nodes-chat-providers';

/** Environment every process of the cluster shares. */
function sharedEnv({ postgresPort, redisPort }) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgresPort),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: '',
		// n8n's default pool of 2 connections queues a burst's queries behind each other; n8n 1.x then
		// misses its 5-second "SELECT 1" health check and answers every request 503 "Database is not
		// ready!" until the next check. A pool as large as a worker's concurrency does not.
		DB_POSTGRESDB_POOL_SIZE: '10',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_ENABLED: 'true',
		// Executions are read back from the database: keep them all, with their data.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_PRUNE: 'false',
	};
}

export class QueueCluster {
	/**
	 * @param {{ bin: string, version: string }} n8n
	 * @param {{ root: string, tarball: string, postgresPort: number, redisPort: number, workers: number, concurrency: number }} options
	 */
	constructor(n8n, options) {
		this.n8n = n8n;
		this.options = options;
		this.workers = [];
	}

	async prepare() {
		const { root, tarball } = this.options;
		const mainFolder = join(root, 'main');
		mkdirSync(mainFolder, { recursive: true });
		this.main = new N8nInstance(this.n8n, {
			userFolder: mainFolder,
			port: await freePort(),
			brokerPort: await freePort(),
			encryptionKey: ENCRYPTION_KEY,
		});
		Object.assign(this.main.env, sharedEnv(this.options));
		await installLikeN8n(mainFolder, tarball);
		for (let index = 1; index <= this.options.workers; index++) {
			const userFolder = join(root, `worker${index}`);
			mkdirSync(userFolder, { recursive: true });
			await installLikeN8n(userFolder, tarball);
			const healthPort = await freePort();
			const env = {
				...this.main.env,
				N8N_USER_FOLDER: userFolder,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			};
			this.workers.push({
				name: `worker${index}`,
				healthPort,
				/** Every log line of every start of this worker, for the split. */
				logs: [],
				service: new Service(
					`n8n worker ${index}`,
					process.execPath,
					[this.n8n.bin, 'worker', `--concurrency=${this.options.concurrency}`],
					{ env, logFile: join(root, 'logs', `worker${index}.log`) },
				),
			});
		}
	}

	async startMain() {
		this.mainService = new Service('n8n main', process.execPath, [this.n8n.bin, 'start'], {
			env: this.main.env,
			logFile: join(this.options.root, 'logs', 'main.log'),
		}).start();
		// /healthz/readiness answers before the REST routes exist; this line comes after them.
		await this.mainService.waitUntil(
			() => this.mainService.log.includes('Editor is now accessible'),
			'editor',
		);
		await this.main.ownerLogin();
	}

	async startWorker(worker) {
		if (worker.service.log) worker.logs.push(worker.service.log);
		worker.service.start();
		await worker.service.waitUntil(async () => {
			if (!worker.service.log.includes('n8n worker is now ready')) return false;
			try {
				const answer = await fetch(`http://127.0.0.1:${worker.healthPort}/healthz/readiness`);
				return answer.ok;
			} catch {
				return false;
			}
		}, 'readiness');
	}

	async startWorkers() {
		await Promise.all(this.workers.map((worker) => this.startWorker(worker)));
	}

	/** Execution ids each worker logged as started, over all its starts. */
	startedBy() {
		const split = {};
		for (const worker of this.workers) {
			const text = [...worker.logs, worker.service.log].join('\n');
			split[worker.name] = [...text.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
		}
		return split;
	}

	async stop() {
		await Promise.all(this.workers.map((worker) => worker.service.stop()));
		await this.mainService?.stop();
	}
}

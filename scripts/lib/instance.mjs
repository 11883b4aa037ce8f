// One n8n process tree around a user folder: CLI commands, `n8n start`, and its REST API.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Demo-owner-1',
};

export async function freePort() {
	const server = createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

export async function portIsFree(port) {
	const server = createServer();
	return await new Promise((resolve) => {
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

export class N8nInstance {
	/**
	 * @param {{ bin: string, version: string }} n8n the cached install
	 * @param {{ userFolder: string, port: number, brokerPort: number, encryptionKey: string }} options
	 */
	constructor(n8n, { userFolder, port, brokerPort, encryptionKey, logFile, nodeArgs = [] }) {
		this.n8n = n8n;
		// Node.js flags for `n8n start`'s main process only (e.g. --inspect for the benchmark).
		this.nodeArgs = nodeArgs;
		this.userFolder = userFolder;
		this.port = port;
		this.url = `http://127.0.0.1:${port}`;
		this.logFile = logFile;
		this.cookie = '';
		this.env = {
			...process.env,
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: encryptionKey,
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			DB_TYPE: 'sqlite',
		};
	}

	/**
	 * Runs `n8n <args>` to the end; resolves with {code, stdout, stderr}. Its stdout goes to a
	 * file, which Node writes synchronously: once, through a pipe, the end of a long
	 * `execute --rawOutput` JSON was missing when n8n exited (n8n ends its commands with process.exit).
	 */
	cli(args) {
		const file = join(tmpdir(), `n8n-cli-${randomUUID()}.out`);
		const fd = openSync(file, 'w');
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [this.n8n.bin, ...args], {
				env: this.env,
				stdio: ['ignore', fd, 'pipe'],
			});
			closeSync(fd);
			let stderr = '';
			child.stderr.on('data', (chunk) => (stderr += chunk));
			child.on('error', reject);
			child.on('close', (code) => {
				const stdout = readFileSync(file, 'utf8');
				rmSync(file, { force: true });
				resolve({ code, stdout, stderr });
			});
		});
	}

	async cliOk(args) {
		const result = await this.cli(args);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code}\n${result.stdout}${result.stderr}`,
			);
		}
		return result;
	}

	async importJson(kind, name, value) {
		const dir = join(this.userFolder, 'imports');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, name);
		writeFileSync(file, JSON.stringify(value, null, 2));
		await this.cliOk([`import:${kind}`, `--input=${file}`]);
	}

	/** Credentials as n8n's database holds them now, decrypted (e.g. OAuth2 tokens after a refresh). */
	async decryptedCredentials() {
		const file = join(this.userFolder, 'imports', 'exported-credentials.json');
		await this.cliOk(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
		return JSON.parse(readFileSync(file, 'utf8'));
	}

	/** `n8n start`; resolves once the editor answers. `onLine` sees every log line. */
	async start({ onLine, timeoutMs = 120_000 } = {}) {
		this.process = spawn(process.execPath, [...this.nodeArgs, this.n8n.bin, 'start'], {
			env: this.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.log = '';
		const collect = (chunk) => {
			this.log += chunk;
			if (onLine) for (const line of String(chunk).split('\n')) if (line.trim()) onLine(line);
		};
		this.process.stdout.on('data', collect);
		this.process.stderr.on('data', collect);
		this.exited = new Promise((resolve) => this.process.on('close', resolve));
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.process.exitCode !== null) {
				throw new Error(`n8n start exited with ${this.process.exitCode}\n${this.log.slice(-4000)}`);
			}
			// /healthz/readiness answers before the REST routes exist; this line comes after them.
			if (this.log.includes('Editor is now accessible')) return;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(`n8n did not become ready in ${timeoutMs / 1000} s\n${this.log.slice(-4000)}`);
	}

	async stop() {
		if (!this.process || this.process.exitCode !== null) return;
		this.process.kill('SIGTERM');
		const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
		await this.exited;
		clearTimeout(timer);
	}

	async rest(method, path, body, { readyWithinMs = 60_000 } = {}) {
		const deadline = Date.now() + readyWithinMs;
		let answer;
		let text;
		for (;;) {
			answer = await fetch(`${this.url}${path}`, {
				method,
				headers: {
					'content-type': 'application/json',
					// A reused keep-alive socket that n8n has just closed fails as "fetch failed".
					connection: 'close',
					...(this.cookie ? { cookie: this.cookie } : {}),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			text = await answer.text();
			// Right after "Editor is now accessible" n8n may still answer 503 "Database is not ready!".
			if (answer.status !== 503 || !/not ready/i.test(text) || Date.now() > deadline) break;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		const setCookie = answer.headers.get('set-cookie');
		const auth = setCookie && /n8n-auth=[^;]+/.exec(setCookie);
		if (auth) this.cookie = auth[0];
		if (!answer.ok)
			throw new Error(`${method} ${path}: HTTP ${answer.status} ${text.slice(0, 500)}`);
		try {
			const json = JSON.parse(text);
			return json && typeof json === 'object' && 'data' in json ? json.data : json;
		} catch {
			return text;
		}
	}

	/** Runs a saved workflow as the editor's "Execute workflow" button does; returns the execution. */
	async runFromEditor(workflowId, timeoutMs = 60_000) {
		const workflowData = await this.rest('GET', `/rest/workflows/${workflowId}`);
		const trigger = workflowData.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
		const { executionId } = await this.rest('POST', `/rest/workflows/${workflowId}/run`, {
			workflowData,
			triggerToStartFrom: { name: trigger.name },
		});
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const execution = await this.rest('GET', `/rest/executions/${executionId}`);
			if (execution.finished || ['success', 'error', 'crashed'].includes(execution.status)) {
				return execution;
			}
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
		throw new Error(`Execution ${executionId} did not finish in ${timeoutMs / 1000} s`);
	}

	/** Creates the owner account unless the instance has one, then logs in. */
	async ownerLogin(owner = OWNER) {
		try {
			await this.rest('POST', '/rest/owner/setup', owner);
		} catch (error) {
			if (!/already/i.test(error.message)) throw error;
		}
		await this.rest('POST', '/rest/login', {
			emailOrLdapLoginId: owner.email,
			email: owner.email,
			password: owner.password,
		});
		return owner;
	}
}

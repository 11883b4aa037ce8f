// Long-running processes in their own process groups, so a stop reaches every child (n8n's task
// runners, PostgreSQL's backends) and nothing outlives the run, also when the runner fails.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const running = new Set();

/** Any process still running when the runner exits is killed with its group. */
function killAllNow() {
	for (const child of running) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// Already gone.
		}
	}
}
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		killAllNow();
		process.exit(130);
	});
}

export class Service {
	/**
	 * @param {string} name for messages
	 * @param {string} command
	 * @param {string[]} args
	 * @param {{ env?: object, cwd?: string, uid?: number, gid?: number, logFile: string }} options
	 */
	constructor(name, command, args, options) {
		this.name = name;
		this.command = command;
		this.args = args;
		this.options = options;
		this.log = '';
	}

	start() {
		const { logFile, ...spawnOptions } = this.options;
		this.log = '';
		const file = createWriteStream(logFile, { flags: 'a' });
		this.child = spawn(this.command, this.args, {
			...spawnOptions,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		running.add(this.child);
		const collect = (chunk) => {
			this.log += chunk;
			file.write(chunk);
		};
		this.child.stdout.on('data', collect);
		this.child.stderr.on('data', collect);
		this.exited = new Promise((resolve) =>
			this.child.on('close', (code, signal) => {
				running.delete(this.child);
				file.end();
				resolve({ code, signal });
			}),
		);
		return this;
	}

	get alive() {
		return (
			this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
		);
	}

	/** Resolves once `ready()` is true; fails if the process ends or the time runs out. */
	async waitUntil(ready, what, timeoutMs = 120_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.alive)
				throw new Error(`${this.name} exited before ${what}\n${this.log.slice(-3000)}`);
			if (await ready()) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`${this.name}: no ${what} in ${timeoutMs / 1000} s\n${this.log.slice(-3000)}`);
	}

	/** SIGTERM to the group, SIGKILL after the grace time. */
	async stop(graceMs = 15_000) {
		if (!this.alive) return;
		signalGroup(this.child.pid, 'SIGTERM');
		const timer = setTimeout(() => signalGroup(this.child.pid, 'SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
		// Children that ignored SIGTERM (task runners) go with the group.
		signalGroup(this.child.pid, 'SIGKILL');
	}

	/** As a crash or the OOM killer would: the whole group at once, nothing saved. */
	async kill() {
		if (!this.alive) return;
		signalGroup(this.child.pid, 'SIGKILL');
		await this.exited;
	}
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is gone already.
	}
}

// The machine's state around each measured run: a load the benchmark makes on purpose, and the
// sockets earlier runs left behind.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `processes` busy loops, each wanting a whole core: "under load" as on a shared machine, but the
 * same load every time. Returns stop().
 */
export function startLoad(processes) {
	const children = Array.from({ length: processes }, () =>
		spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
	);
	return () => {
		for (const child of children) child.kill('SIGKILL');
	};
}

/** TCP sockets in TIME_WAIT on this machine (state 06 in /proc/net/tcp and tcp6). */
function socketsInTimeWait() {
	let count = 0;
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let table = '';
		try {
			table = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of table.split('\n').slice(1))
			if (line.trim().split(/\s+/)[3] === '06') count++;
	}
	return count;
}

/**
 * n8n's request helpers open a connection per request, and every closed one stays in TIME_WAIT
 * for 60 s. With thousands of them, each new connect() takes longer (per request, 3 to 7 times
 * as long in a 10,000-item run as in a 1,000-item run), so a run right after a large one would
 * pay for its predecessor's sockets. Waits until at most `max`
 * remain, or `timeoutMs` passed; returns how many were left and how long it waited.
 */
export async function settleSockets(max, timeoutMs = 65_000) {
	const started = Date.now();
	let left = socketsInTimeWait();
	while (left > max && Date.now() - started < timeoutMs) {
		await sleep(1000);
		left = socketsInTimeWait();
	}
	return { left, waitedMs: Date.now() - started };
}

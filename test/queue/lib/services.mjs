// Redis and PostgreSQL from Debian's packages, on 127.0.0.1, with their data in a temporary folder.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { run } from '../../../scripts/lib/n8n.mjs';
import { Service } from './processes.mjs';

const POSTGRES_ROOT = '/usr/lib/postgresql';

function which(command) {
	try {
		return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
	} catch {
		return '';
	}
}

function postgresBin() {
	if (!existsSync(POSTGRES_ROOT)) return undefined;
	const versions = readdirSync(POSTGRES_ROOT)
		.filter((name) => existsSync(join(POSTGRES_ROOT, name, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(POSTGRES_ROOT, versions[0], 'bin') : undefined;
}

/** apt-get installs redis-server and postgresql when either is missing (root only). */
export async function ensurePackages(log) {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBin()) missing.push('postgresql');
	if (missing.length) {
		if (process.getuid?.() !== 0) {
			throw new Error(
				`Missing ${missing.join(' and ')}: sudo apt-get install ${missing.join(' ')}`,
			);
		}
		log(`Installing ${missing.join(' and ')} with apt-get...`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await run('apt-get', ['update', '-qq'], { env, quiet: true });
		await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
			env,
			quiet: true,
		});
	}
	const version = (command, args) =>
		execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0];
	return {
		redis: version('redis-server', ['--version']),
		postgres: version(join(postgresBin(), 'postgres'), ['--version']),
	};
}

/** PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user then. */
function postgresUser() {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
	return { uid, gid };
}

/** A throwaway cluster with one database `n8n` owned by the user `n8n` (trust on loopback). */
export async function startPostgres({ dir, port, logDir }) {
	const bin = postgresBin();
	const owner = postgresUser();
	const dataDir = join(dir, 'postgres');
	const socketDir = join(dir, 'postgres-socket');
	for (const folder of [dir, dataDir, socketDir]) {
		mkdirSync(folder, { recursive: true });
		if (owner.uid !== undefined) chownSync(folder, owner.uid, owner.gid);
	}
	const asOwner = { ...owner, env: { ...process.env, LC_ALL: 'C' } };
	await run(
		join(bin, 'initdb'),
		['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-locale'],
		{ ...asOwner, quiet: true },
	);
	const service = new Service(
		'PostgreSQL',
		join(bin, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-k',
			socketDir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'max_connections=200',
			'-c',
			'fsync=off',
		],
		{ ...asOwner, logFile: join(logDir, 'postgres.log') },
	).start();
	await service.waitUntil(
		() => service.log.includes('ready to accept connections'),
		'readiness',
		60_000,
	);
	await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n'], {
		quiet: true,
	});
	const psql = join(bin, 'psql');
	return {
		service,
		port,
		/** One SQL query's rows, as arrays of strings. */
		async query(sql) {
			const output = await run(
				psql,
				[
					'-h',
					'127.0.0.1',
					'-p',
					String(port),
					'-U',
					'n8n',
					'-d',
					'n8n',
					'-At',
					'-F',
					'\t',
					'-c',
					sql,
				],
				{ quiet: true },
			);
			return output
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => line.split('\t'));
		},
	};
}

export async function startRedis({ port, logDir }) {
	const service = new Service(
		'Redis',
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{ logFile: join(logDir, 'redis.log') },
	).start();
	await service.waitUntil(
		() => service.log.includes('Ready to accept connections'),
		'readiness',
		30_000,
	);
	return { service, port };
}

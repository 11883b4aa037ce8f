// bench/results.md: the machine, the n8n version, one table per scenario, and every target
// marked met or not met, with the figures that explain a miss.
import { cpus, loadavg, release, totalmem } from 'node:os';

import { providers } from './providers.mjs';
import { fixed, mb, verdict } from './stats.mjs';

const seconds = (ms) => `${fixed(ms / 1000, 2)} s`;
const megabytes = (kb) => `${fixed(mb(kb), 0)} MB`;
const table = (head, rows) =>
	[`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
		.concat(rows.map((row) => `| ${row.join(' | ')} |`))
		.join('\n');
/** "4.44 s (4.1–4.9)": the median of the rounds with its lowest and highest. */
const spread = (side, field, format) => {
	const [low, high] = side.spread?.[field] ?? [];
	const text = format(side[field]);
	return side.rounds > 1 && Number.isFinite(low)
		? `${text} (${format(low).replace(/ \w+$/, '')}–${format(high)})`
		: text;
};
const load = (value) => `load ${fixed(value, 2)}`;
const status = (run) => (run.status === 'success' ? 'success' : `**${run.status}**`);
const firstError = (run) => (run.error ? `"${run.error.replace(/\|/g, '/').slice(0, 220)}"` : '');

export function machine() {
	const cores = cpus();
	return {
		cpu: `${cores[0]?.model?.trim() ?? 'unknown CPU'} × ${cores.length}`,
		memory: `${fixed(totalmem() / 1024 ** 3, 1)} GB`,
		node: process.version,
		os: `${process.platform} ${release()}`,
		cores: cores.length,
		load: loadavg(),
	};
}

export class Report {
	constructor({ mode, n8nVersion, latencyMs, parallel }) {
		this.loadAtStart = loadavg();
		this.mode = mode;
		this.parallel = parallel;
		this.n8nVersion = n8nVersion;
		this.latencyMs = latencyMs;
		this.sections = [];
		this.targets = [];
		this.broken = [];
	}

	target(name, result, why) {
		this.targets.push({ name, met: result.met, text: result.text, why: result.met ? '' : why });
		return result.text;
	}

	/** 1. (create) and 7. (`kind` 'send': the follow-up of each provider). */
	throughput({ items, repeat, results, kind }) {
		const send = kind === 'send';
		const number = send ? 7 : 1;
		const rows = [];
		for (const { providerId, ours, http, speed, memory } of results) {
			const name = send
				? `${providers[providerId].name} ${providers[providerId].send.operation}`
				: providers[providerId].name;
			const speedText = this.target(
				`${number}. ${name}: items/s vs the HTTP Request node`,
				verdict(speed, 1.0, { atLeast: true }),
				`${name}: our node ${fixed(ours.itemsPerSecond, 0)} items/s (${seconds(ours.nodeMs)} for ${items}), HTTP Request node ${fixed(http.itemsPerSecond, 0)} items/s (${seconds(http.nodeMs)}); load ${fixed(ours.load1, 2)} on ${machine().cores} cores. Our node starts items as the provider's limits allow, at most ${this.parallel} in flight; the HTTP Request node starts all ${items} requests at once.`,
			);
			const memoryText = send
				? this.target(
						`${number}. ${name}: 0 sent twice`,
						verdict(ours.duplicates, 0, { unit: '', digits: 0 }),
						`${ours.duplicates} items were sent twice.`,
					)
				: this.target(
						`${number}. ${name}: n8n's peak RSS vs the HTTP Request node`,
						verdict(memory, 1.1),
						`Peak RSS ${megabytes(ours.peakKb)} with the ${name} node, ${megabytes(http.peakKb)} with the HTTP Request node (growth during the run: ${megabytes(ours.growthKb)} vs ${megabytes(http.growthKb)}).`,
					);
			const row = (label, side) => [
				label,
				spread(side, 'itemsPerSecond', (value) => fixed(value, 0)),
				spread(side, 'nodeMs', seconds),
				seconds(side.executionMs),
				spread(side, 'peakKb', megabytes),
				spread(side, 'growthKb', megabytes),
				`${side.created}/${items}`,
				String(side.duplicates),
				load(side.load1),
			];
			rows.push([...row(`**${name} node**`, ours), speedText, memoryText]);
			rows.push([...row(`HTTP Request node (${name} request)`, http), '', '']);
		}
		this.sections.push(
			[
				send
					? `## 7. Send: ${items} follow-ups into existing chats, no rate limit, ${this.latencyMs} ms latency`
					: `## 1. Throughput: ${items} items, no rate limit, ${this.latencyMs} ms latency`,
				'',
				...(send
					? [
							"Each item writes into what its lead already has (seeded on the fake): a message into its conversation or chat, or for Recoup (which has no message send) its chat's new topic. Duplicates are messages beyond one per chat, for Recoup PATCH requests beyond one per chat.",
							'',
						]
					: []),
				`Median of ${repeat} run${repeat > 1 ? 's' : ''} per node (lowest–highest in brackets), alternating which node runs first, with a full GC in n8n before every run. Items/s = items ÷ the node's own execution time (n8n's runData \`executionTime\`); "execution" is the whole workflow (trigger, Code node, node, saving). Peak RSS is n8n's main process (VmHWM, reset before each run); growth is peak minus RSS before the run.`,
				'',
				table(
					[
						'Node',
						'Items/s',
						'Node time',
						'Execution',
						'Peak RSS',
						'Growth',
						'Created',
						'Duplicates',
						'Load (1 min)',
						'Items/s ratio',
						send ? 'Sent twice' : 'Peak RSS ratio',
					],
					rows,
				),
			].join('\n'),
		);
	}

	singleItem({ repeat, results }) {
		const rows = results.map(({ providerId, ours, http, time }) => {
			const name = providers[providerId].name;
			return [
				name,
				spread(ours, 'nodeMs', (value) => `${fixed(value, 0)} ms`),
				spread(http, 'nodeMs', (value) => `${fixed(value, 0)} ms`),
				`${fixed(ours.executionMs, 0)} ms`,
				`${fixed(http.executionMs, 0)} ms`,
				this.target(
					`2. ${name}: one item's node time vs the HTTP Request node`,
					verdict(time, 1.1),
					`${name} node ${fixed(ours.nodeMs, 0)} ms, HTTP Request node ${fixed(http.nodeMs, 0)} ms for one request at ${this.latencyMs} ms latency (medians of ${repeat}).`,
				),
			];
		});
		this.sections.push(
			[
				'## 2. One item',
				'',
				`Median of ${repeat} run${repeat > 1 ? 's' : ''} per node (lowest–highest in brackets), alternating which node runs first, a full GC in n8n before every run. Node time is the node's own execution time; execution is the whole workflow.`,
				'',
				table(
					[
						'Provider',
						'Our node',
						'HTTP Request node',
						'Execution (ours)',
						'Execution (HTTP)',
						'Node time ratio',
					],
					rows,
				),
			].join('\n'),
		);
	}

	rateLimited({ items, requests, perMs, floorMs, results, refill, repeat }) {
		const [ours] = results;
		const number = refill === 1 ? 3 : 6;
		const why = (what) =>
			`${what} Fanvue node: ${status(ours)}, ${ours.created}/${items} created, ${ours.rateLimited} × 429, first-to-last request ${seconds(ours.spanMs)} against a floor of ${seconds(floorMs)}; requests sent in each ${perMs / 1000}-s window (the bucket allows ${requests}): ${ours.perWindow.join(', ')}${ours.error ? `; n8n reported ${firstError(ours)}` : ''}.`;
		this.target(
			`${number}. Rate limit: 0 failed`,
			verdict(ours.notCreated, 0, { unit: '', digits: 0 }),
			why(`${ours.notCreated} of ${items} items were not created.`),
		);
		this.target(
			`${number}. Rate limit: 0 duplicated`,
			verdict(ours.duplicates, 0, { unit: '', digits: 0 }),
			why(`${ours.duplicates} items were created twice.`),
		);
		this.target(
			`${number}. Rate limit: ≤ 2 answers of 429`,
			verdict(ours.rateLimited, 2, { unit: '', digits: 0 }),
			why(`${ours.rateLimited} answers of 429.`),
		);
		this.target(
			`${number}. Rate limit: first-to-last request ≤ 1.1× the bucket's floor`,
			verdict(ours.floorRatio, 1.1),
			why(
				ours.notCreated > 0
					? `The span only counts the requests that were sent before the node gave up.`
					: '',
			),
		);
		const rows = results.map((run) => [
			run === ours ? `**${run.label}**` : run.label,
			status(run),
			`${run.created}/${items}`,
			String(run.notCreated),
			String(run.duplicates),
			String(run.rateLimited),
			String(run.requests),
			spread(run, 'spanMs', seconds),
			`${fixed(run.floorRatio, 2)}×`,
			seconds(run.executionMs),
			firstError(run),
		]);
		this.sections.push(
			[
				refill === 1
					? `## 3. Rate limit: Fanvue, ${requests} requests per ${perMs / 1000} s, ${items} items`
					: `## 6. Rate limit refilling ${refill}× slower than documented: Fanvue, ${requests} requests per ${perMs / 1000} s, ${items} items`,
				'',
				...(refill === 1
					? []
					: [
							`Fanvue documents 200 requests per 60 s (${fixed(200 / 60, 2)} a second), which is what the node paces by until the provider says otherwise; this bucket refills ${fixed((requests * 1000) / perMs, 2)} a second, and its X-RateLimit-Limit/Remaining/Reset headers (and Retry-After on a 429) say so. It shows whether the node follows the headers rather than the documentation.`,
							'',
						]),
				`Median of ${repeat} round${repeat > 1 ? 's' : ''} (lowest–highest in brackets; counts are the worst round), alternating the order of the nodes. The fake's token bucket starts full with ${requests} requests and refills ${requests} per ${perMs / 1000} s, so ${items} items cannot be sent in less than (${items} − ${requests}) ÷ ${requests} × ${perMs / 1000} s = **${seconds(floorMs)}** (the floor). "Not created" counts items without a chat on the fake; "duplicates" counts chats beyond one per item; 429s are counted by the fake.`,
				'',
				table(
					[
						'Node',
						'Status',
						'Created',
						'Not created',
						'Duplicates',
						'429s',
						'Requests',
						'First to last request',
						'÷ floor',
						'Execution',
						'Error',
					],
					rows,
				),
			].join('\n'),
		);
	}

	expiredTokens({ items, results }) {
		const ours = results[0].expired;
		const why = `Fanvue node: ${status(ours)}, ${ours.created}/${items} created, ${ours.refreshes} refresh requests (${ours.refreshOk} ok, ${ours.refreshReused} reused, ${ours.refreshInvalid} invalid)${ours.error ? `; n8n reported ${firstError(ours)}` : ''}.`;
		this.target(
			'4. Expired tokens: one refresh',
			verdict(ours.refreshes, 1, { unit: '', digits: 0 }),
			why,
		);
		this.target(
			'4. Expired tokens: no refresh token presented twice',
			verdict(ours.presentedTwice, 0, { unit: '', digits: 0 }),
			why,
		);
		this.target(
			'4. Expired tokens: 0 failed',
			verdict(ours.notCreated, 0, { unit: '', digits: 0 }),
			why,
		);
		const rows = results.flatMap(({ expired, next }) =>
			[expired, next].map((run) => [
				run === ours ? `**${run.label}**` : run.label,
				status(run),
				`${run.created}/${items}`,
				String(run.duplicates),
				String(run.refreshes),
				String(run.refreshOk),
				String(run.refreshReused + run.refreshInvalid),
				String(run.presentedTwice),
				seconds(run.executionMs),
				firstError(run),
			]),
		);
		this.sections.push(
			[
				`## 4. Expired OAuth2 token: Fanvue, ${items} items`,
				'',
				"Every access token is expired before the first run; the fake's token endpoint rotates single-use refresh tokens and revokes the whole chain when one is presented twice (as Ory Hydra, Fanvue's authorization server, does). The next run, without expiring anything, shows whether n8n kept a working token.",
				'',
				table(
					[
						'Node, run',
						'Status',
						'Created',
						'Duplicates',
						'Refresh requests',
						'Refreshed',
						'Refused (reused/revoked)',
						'Refresh token presented twice',
						'Execution',
						'Error',
					],
					rows,
				),
			].join('\n'),
		);
	}

	scale({ providerId, small, large, repeat, results }) {
		const factor = large / small;
		const bound = factor * 1.05;
		const ours = results.ours;
		this.target(
			`5. ${large} items: time ≤ ${fixed(bound, 1)}× the ${small}-item run`,
			verdict(ours.time, Number(fixed(bound, 1))),
			`${ours.label}: ${seconds(ours.small.nodeMs)} for ${small} items, ${seconds(ours.large.nodeMs)} for ${large}.`,
		);
		this.target(
			`5. ${large} items: peak RSS growth in proportion to the ${small}-item run`,
			verdict(ours.growth, Number(fixed(bound, 1))),
			`${ours.label}: RSS grew ${megabytes(ours.small.growthKb)} during the ${small}-item run and ${megabytes(ours.large.growthKb)} during the ${large}-item run.`,
		);
		const rows = Object.values(results).flatMap((side) =>
			[side.small, side.large].map((run) => [
				side === ours ? `**${side.label}**` : side.label,
				String(run.count),
				status(run),
				spread(run, 'nodeMs', seconds),
				fixed(run.itemsPerSecond, 0),
				spread(run, 'peakKb', megabytes),
				spread(run, 'growthKb', megabytes),
				`${run.created}/${run.count}`,
				String(run.duplicates),
				run === side.large ? `${fixed(side.time, 2)}×` : '',
				run === side.large ? `${fixed(side.growth, 2)}×` : '',
			]),
		);
		this.sections.push(
			[
				`## 5. Scale: ${large} items through one node (${providers[providerId].name})`,
				'',
				`Median of ${repeat} round${repeat > 1 ? 's' : ''} per node and size (lowest–highest in brackets), alternating which node runs first, a full GC in n8n before every run, so that growth (peak RSS during the run minus RSS before it) starts from the same settled heap for both sizes and both nodes. Target for our node: time ≤ ${fixed(bound, 1)}× and RSS growth no more than in proportion (≤ ${fixed(bound, 1)}×) of the ${small}-item run.`,
				'',
				table(
					[
						'Node',
						'Items',
						'Status',
						'Node time',
						'Items/s',
						'Peak RSS',
						'Growth',
						'Created',
						'Duplicates',
						'Time ratio',
						'Growth ratio',
					],
					rows,
				),
			].join('\n'),
		);
	}

	toMarkdown({ startedAt, durationMs }) {
		const host = machine();
		const met = this.targets.filter((target) => target.met).length;
		const lines = [
			`# Benchmark${this.mode === 'full' ? '' : ` (${this.mode})`}: our nodes against n8n's HTTP Request node`,
			'',
			`Generated by \`npm run bench${this.mode === 'full' ? '' : ` -- --${this.mode}`}\` on ${startedAt.toISOString()} in ${fixed(durationMs / 60000, 1)} min.`,
			'',
			`- Machine: ${host.cpu}, ${host.memory} memory, ${host.os}, Node ${host.node}`,
			`- Load average (1, 5, 15 min) on ${host.cores} cores: ${this.loadAtStart.map((value) => fixed(value, 2)).join(', ')} at the start, ${host.load.map((value) => fixed(value, 2)).join(', ')} at the end; each table gives the 1-min load at its runs (median). Above ${host.cores}, runs waited for a core and times are inflated`,
			"- Every measured run starts after a full garbage collection in n8n's main process (through its inspector); each scenario alternates which node runs first",
			`- n8n ${this.n8nVersion} (\`n8n start\`, SQLite), this package packed and installed as n8n's Community Nodes installer does`,
			`- Providers: the package's fakes (fakes/) on 127.0.0.1 in the benchmark's process, ${this.latencyMs} ms added to every answer`,
			'- Workflow: Manual Trigger → Code node emitting the items → the node, run over REST as the editor runs it; our nodes with default options, the HTTP Request node (4.2) with defaults making the same request with the same authentication',
			'',
			`**Targets met: ${met} of ${this.targets.length}.**`,
			'',
			table(
				['Target', 'Figure'],
				this.targets.map((target) => [target.name, target.text]),
			),
		];
		if (this.broken?.length) {
			lines.push('', '### The benchmark broke', '', ...this.broken.map((text) => `- ${text}`));
		}
		const missed = this.targets.filter((target) => !target.met);
		if (missed.length) {
			lines.push('', '### Where a target was not met', '');
			for (const target of missed) lines.push(`- ${target.name}: ${target.why}`);
		}
		for (const section of this.sections) lines.push('', section);
		return `${lines.join('\n')}\n`;
	}
}

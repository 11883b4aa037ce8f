// bench/results.md: the machine, the n8n version, one table per scenario, and every target
// marked met or not met, with the figures that explain a miss.
import { cpus, release, totalmem } from 'node:os';

import { providers } from './providers.mjs';
import { fixed, mb, verdict } from './stats.mjs';

const seconds = (ms) => `${fixed(ms / 1000, 2)} s`;
const megabytes = (kb) => `${fixed(mb(kb), 0)} MB`;
const table = (head, rows) =>
	[`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
		.concat(rows.map((row) => `| ${row.join(' | ')} |`))
		.join('\n');
const status = (run) => (run.status === 'success' ? 'success' : `**${run.status}**`);
const firstError = (run) => (run.error ? `"${run.error.replace(/\|/g, '/').slice(0, 220)}"` : '');

export function machine() {
	const cores = cpus();
	return {
		cpu: `${cores[0]?.model?.trim() ?? 'unknown CPU'} × ${cores.length}`,
		memory: `${fixed(totalmem() / 1024 ** 3, 1)} GB`,
		node: process.version,
		os: `${process.platform} ${release()}`,
	};
}

export class Report {
	constructor({ mode, n8nVersion, latencyMs, parallel }) {
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

	throughput({ items, repeat, results }) {
		const rows = [];
		for (const { providerId, ours, http, speed, memory } of results) {
			const name = providers[providerId].name;
			const speedText = this.target(
				`1. ${name}: items/s vs the HTTP Request node`,
				verdict(speed, 1.0, { atLeast: true }),
				`${name} node ${fixed(ours.itemsPerSecond, 0)} items/s (${seconds(ours.nodeMs)} for ${items}), HTTP Request node ${fixed(http.itemsPerSecond, 0)} items/s (${seconds(http.nodeMs)}).${items > this.parallel ? ` Our node keeps at most ${this.parallel} requests in flight by default (Max Parallel Requests), which at ${this.latencyMs} ms per answer caps it at ${fixed((this.parallel * 1000) / this.latencyMs, 0)} items/s before n8n's own per-item work; the HTTP Request node starts all ${items} requests at once.` : ''}`,
			);
			const memoryText = this.target(
				`1. ${name}: n8n's peak RSS vs the HTTP Request node`,
				verdict(memory, 1.1),
				`Peak RSS ${megabytes(ours.peakKb)} with the ${name} node, ${megabytes(http.peakKb)} with the HTTP Request node (growth during the run: ${megabytes(ours.growthKb)} vs ${megabytes(http.growthKb)}).`,
			);
			const row = (label, side) => [
				label,
				fixed(side.itemsPerSecond, 0),
				seconds(side.nodeMs),
				seconds(side.executionMs),
				megabytes(side.peakKb),
				megabytes(side.growthKb),
				`${side.created}/${items}`,
				String(side.duplicates),
			];
			rows.push([...row(`**${name} node**`, ours), speedText, memoryText]);
			rows.push([...row(`HTTP Request node (${name} request)`, http), '', '']);
		}
		this.sections.push(
			[
				`## 1. Throughput: ${items} items, no rate limit, ${this.latencyMs} ms latency`,
				'',
				`Median of ${repeat} run${repeat > 1 ? 's' : ''} per node, alternating which node runs first. Items/s = items ÷ the node's own execution time (n8n's runData \`executionTime\`); "execution" is the whole workflow (trigger, Code node, node, saving). Peak RSS is n8n's main process (VmHWM, reset before each run); growth is peak minus RSS before the run.`,
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
						'Items/s ratio',
						'Peak RSS ratio',
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
				`${fixed(ours.nodeMs, 0)} ms`,
				`${fixed(http.nodeMs, 0)} ms`,
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
				`Median of ${repeat} run${repeat > 1 ? 's' : ''} per node. Node time is the node's own execution time; execution is the whole workflow.`,
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

	rateLimited({ items, requests, perMs, floorMs, results }) {
		const [ours] = results;
		const why = (what) =>
			`${what} Fanvue node: ${status(ours)}, ${ours.created}/${items} created, ${ours.rateLimited} × 429, first-to-last request ${seconds(ours.spanMs)} against a floor of ${seconds(floorMs)}; requests sent in each ${perMs / 1000}-s window (the bucket allows ${requests}): ${ours.perWindow.join(', ')}${ours.error ? `; n8n reported ${firstError(ours)}` : ''}.`;
		this.target(
			'3. Rate limit: 0 failed',
			verdict(ours.notCreated, 0, { unit: '', digits: 0 }),
			why(`${ours.notCreated} of ${items} items were not created.`),
		);
		this.target(
			'3. Rate limit: 0 duplicated',
			verdict(ours.duplicates, 0, { unit: '', digits: 0 }),
			why(`${ours.duplicates} items were created twice.`),
		);
		this.target(
			'3. Rate limit: ≤ 2 answers of 429',
			verdict(ours.rateLimited, 2, { unit: '', digits: 0 }),
			why(`${ours.rateLimited} answers of 429.`),
		);
		this.target(
			"3. Rate limit: first-to-last request ≤ 1.1× the bucket's floor",
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
			seconds(run.spanMs),
			`${fixed(run.floorRatio, 2)}×`,
			seconds(run.executionMs),
			firstError(run),
		]);
		this.sections.push(
			[
				`## 3. Rate limit: Fanvue, ${requests} requests per ${perMs / 1000} s, ${items} items`,
				'',
				`The fake's token bucket starts full with ${requests} requests and refills ${requests} per ${perMs / 1000} s, so ${items} items cannot be sent in less than (${items} − ${requests}) ÷ ${requests} × ${perMs / 1000} s = **${seconds(floorMs)}** (the floor). "Not created" counts items without a chat on the fake; "duplicates" counts chats beyond one per item; 429s are counted by the fake.`,
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

	scale({ providerId, small, large, results }) {
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
				seconds(run.nodeMs),
				fixed(run.itemsPerSecond, 0),
				megabytes(run.peakKb),
				megabytes(run.growthKb),
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
				`Each node runs ${small} then ${large} items. Target for our node: time ≤ ${fixed(bound, 1)}× and RSS growth no more than in proportion (≤ ${fixed(bound, 1)}×) of the ${small}-item run.`,
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
			`- n8n ${this.n8nVersion} (\`n8n start\`, SQLite), this package packed and installed as n8n's Community Nodes installer does`,
			`- Providers: the package's fakes (test/fakes) on 127.0.0.1 in the benchmark's process, ${this.latencyMs} ms added to every answer`,
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

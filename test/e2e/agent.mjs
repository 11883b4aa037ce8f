// The nodes as AI Agent tools in real n8n (both lines): `npm run test:agent [-- --n8n=2 --no-build
// --no-browser --keep]`. Installs the packed package as n8n's Community Nodes installer does and runs
// examples/ai-agent-chat-tools.json (AI Agent + OpenAI Chat Model + the four tools, On Error set to
// continue) against a scripted OpenAI fake and the provider fakes: for each tool the model first
// passes a bad value, must get our error back, then passes a good one. Also shows what happens
// without On Error, and screenshots the example and a tool's panel for the README.
// Ends with "N passed, N failed"; exits 1 on any failure.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import {
	byTestId,
	CHROMIUM_FLAGS,
	chromiumPath,
	logIn,
	outputDir,
	screenshotsDir,
} from './lib/browser.mjs';
import { lastJson } from './lib/execute-output.mjs';
import { startOpenAiFake } from './lib/openai-fake.mjs';
import { runE2e } from './lib/runner.mjs';
import { loadExample, loadScenarios, withCredentials } from './lib/workflows.mjs';

const example = loadExample('ai-agent-chat-tools.json');
const AGENT = 'AI Agent';
const ARTIST = 'a1a1a1a1-0000-4000-8000-000000000001';
const FAN = 'f0000000-0000-4000-8000-000000000001';
const FINAL_ANSWER =
	'Done: Recoup chat, Chert text, Fanvue chat and Chatwoot conversation are open.';

/**
 * What the scripted model does, tool by tool: a bad value first (what a model gets wrong when the
 * user names things), then, after reading our error, the good value.
 */
const TOOLS = [
	{
		provider: 'recoup',
		tool: /recoup/i,
		description: 'Create a chat in Recoup',
		bad: { artistId: 'Nova Lane', topic: 'Single release plan', firstMessage: 'Plan Friday.' },
		good: { artistId: ARTIST, topic: 'Single release plan', firstMessage: 'Plan Friday.' },
		error: 'Artist must be a UUID, but got "Nova Lane" [item 0]',
		checkSent([create]) {
			assert.equal(create.path, '/api/chats');
			assert.equal(create.body.artistId, ARTIST);
			assert.equal(create.body.topic, 'Single release plan');
		},
	},
	{
		provider: 'chert',
		tool: /chert/i,
		description: 'Create a chat in Chert',
		bad: { to: 'Bob', message: 'Hi Bob - got a minute for a demo?' },
		good: { to: '+14155551234', message: 'Hi Bob - got a minute for a demo?' },
		error: 'To must be a phone number in E.164 format, but got "Bob" [item 0]',
		checkSent([create]) {
			assert.equal(create.path, '/api/v1/chats');
			assert.deepEqual(create.body.to, ['+14155551234']);
			assert.deepEqual(create.body.message.parts, [
				{ type: 'text', value: 'Hi Bob - got a minute for a demo?' },
			]);
		},
	},
	{
		provider: 'fanvue',
		tool: /fanvue/i,
		description: 'Create a chat in Fanvue',
		bad: { fanId: 'ada' },
		good: { fanId: FAN },
		error: 'Fan must be a UUID, but got "ada" [item 0]',
		checkSent([create]) {
			assert.equal(create.path, '/chats');
			assert.deepEqual(create.body, { userUuid: FAN });
		},
	},
	{
		provider: 'chatwoot',
		tool: /chatwoot/i,
		description: 'Create a conversation in Chatwoot',
		bad: { name: 'Grace Hopper', email: 'grace.hopper', message: 'I would like a demo.' },
		good: { name: 'Grace Hopper', email: 'grace@example.com', message: 'I would like a demo.' },
		error: 'Email must be an email address, but got "grace.hopper" [item 0]',
		// Chatwoot's public API: the contact, its conversation, then the first message.
		postsPerCreate: 3,
		checkSent([contact, conversation, message]) {
			assert.match(contact.path, /\/contacts$/);
			assert.equal(contact.body.email, 'grace@example.com');
			assert.match(conversation.path, /\/conversations$/);
			assert.equal(message.body.content, 'I would like a demo.');
		},
	},
];

await runE2e({
	title: 'Agent E2E',
	folder: 'agent',
	options: { 'no-browser': { type: 'boolean', default: false } },
	showTarball: true,
	prepare: async () => ({ scenarios: await loadScenarios(TOOLS.map((tool) => tool.provider)) }),
	async line(context) {
		const { line, label, args, report, instance, scenarios, startFake, cleanup, install, start } =
			context;
		const providers = await startProviderFakes(startFake);
		const model = await startOpenAiFake({
			turns: TOOLS.flatMap(({ tool, bad, good }) => [
				{ tool, args: bad },
				{ tool, args: good },
			]),
			finalAnswer: FINAL_ANSWER,
		});
		cleanup(() => model.stop());
		const installed = await report.check(
			`${label} installs the packed tarball as n8n's installer does`,
			install,
		);
		if (!installed) return;

		const credentials = [
			{
				id: 'openAiCredential1',
				name: 'OpenAI account',
				type: 'openAiApi',
				data: { apiKey: model.apiKey, url: model.baseUrl },
			},
			...scenarios.flatMap((scenario) =>
				scenario.credentials(providers).map((credential, index) => ({
					id: `${scenario.id}Credential${index + 1}`,
					...credential,
				})),
			),
		];
		const secrets = [
			model.apiKey,
			...scenarios.flatMap((scenario) => scenario.secrets?.(providers) ?? []),
		];
		const withOnError = { ...withCredentials(example, credentials), id: 'agentWorkflow1' };
		const withoutOnError = withoutContinue(withOnError);
		const imported = await report.check(
			`${label} imports credentials and the example`,
			async () => {
				await instance.importJson('credentials', 'credentials.json', credentials);
				await instance.importJson('workflow', 'workflows.json', [withOnError, withoutOnError]);
				return true;
			},
		);
		if (!imported) return;

		const run = await report.check(
			`${label} the example runs: the agent calls every tool, and the workflow succeeds`,
			() => execute(instance, withOnError, { providers, model, secrets }),
		);
		if (run) {
			await report.check(
				`${label} the model is offered the four tools with their $fromAI fields`,
				() => checkOfferedTools(model.requests.slice(run.modelMark)),
			);
			for (const tool of TOOLS) {
				await report.check(
					`${label} ${tool.provider}: the model gets the error for its bad value, then the answer for the good one`,
					() => checkToolTurns(tool, run.calls, secrets),
				);
				await report.check(
					`${label} ${tool.provider}: one good request reached the provider, nothing for the bad value`,
					() => checkProviderRequests(tool, run.sent[tool.provider]),
				);
			}
			await report.check(`${label} the agent's answer is the model's final text`, () => {
				assert.deepEqual(run.output(AGENT), [{ output: FINAL_ANSWER }]);
			});
		}

		await report.check(
			`${label} without On Error set, the model still gets each error and corrects itself`,
			async () => {
				const again = await execute(instance, withoutOnError, { providers, model, secrets });
				for (const tool of TOOLS) {
					checkToolTurns(tool, again.calls, secrets);
					checkProviderRequests(tool, again.sent[tool.provider]);
				}
			},
		);

		if (!args['no-browser']) {
			const ready = await report.check(
				`${label} n8n starts with the package installed`,
				async () => {
					await start();
					return true;
				},
			);
			if (ready) await screenshotTool({ instance, line, report }, withOnError);
		}
	},
});

async function startProviderFakes(startFake) {
	const fanvue = await startFake('fanvue');
	fanvue.grant = fanvue.tokens.issueGrant();
	return {
		recoup: await startFake('recoup'),
		chert: await startFake('chert'),
		fanvue,
		chatwoot: await startFake('chatwoot'),
	};
}

/** The same workflow with every tool's On Error back to n8n's default, as a new tool node has it. */
function withoutContinue(workflow) {
	const copy = structuredClone(workflow);
	copy.id = 'agentWorkflow2';
	copy.name = `${workflow.name} (without On Error)`;
	for (const node of copy.nodes) if (node.type.endsWith('Tool')) delete node.onError;
	return copy;
}

/** `n8n execute`; returns what the model and each provider fake saw during this run. */
async function execute(instance, workflow, { providers, model, secrets, expectFailure = false }) {
	const marks = Object.fromEntries(
		Object.entries(providers).map(([key, fake]) => [key, fake.requests.length]),
	);
	const callMark = model.calls.length;
	const modelMark = model.requests.length;
	const result = await instance.cli(['execute', `--id=${workflow.id}`, '--rawOutput']);
	const everything = result.stdout + result.stderr;
	for (const secret of secrets) {
		if (everything.includes(secret)) throw new Error('A credential secret appears in the output');
	}
	assert.deepEqual(model.problems, [], 'the OpenAI fake refused no request');
	if (expectFailure) {
		if (result.code === 0) throw new Error(`Expected the workflow to fail:\n${result.stdout}`);
	} else if (result.code !== 0) {
		throw new Error(`n8n execute exited with ${result.code}:\n${everything.slice(-3000)}`);
	}
	const data = expectFailure ? undefined : lastJson(result.stdout);
	return {
		everything,
		modelMark,
		calls: model.calls.slice(callMark),
		sent: Object.fromEntries(
			Object.entries(providers).map(([key, fake]) => [key, fake.requests.slice(marks[key])]),
		),
		output(nodeName) {
			const runs =
				data?.resultData?.runData?.[nodeName] ?? data?.data?.resultData?.runData?.[nodeName];
			if (!runs) throw new Error(`No output from node "${nodeName}"`);
			return runs[runs.length - 1].data.main[0].map((item) => item.json);
		},
	};
}

function checkOfferedTools(requests) {
	const completions = requests.filter((request) => request.path === '/v1/chat/completions');
	assert.ok(completions.length > 0, 'n8n asked the model');
	const offered = completions[0].tools;
	for (const expected of TOOLS) {
		const tool = offered.find((candidate) => expected.tool.test(candidate.function.name));
		assert.ok(tool, `a ${expected.provider} tool among ${offered.map((t) => t.function.name)}`);
		assert.equal(tool.function.description, expected.description);
		const properties = tool.function.parameters?.properties ?? {};
		assert.deepEqual(
			Object.keys(properties).sort(),
			Object.keys(expected.good).sort(),
			`${expected.provider} fields`,
		);
		// The $fromAI() description is what tells the model the value's shape.
		for (const [field, schema] of Object.entries(properties)) {
			assert.ok(schema.description, `${expected.provider} ${field} has a description`);
		}
		if (expected.provider === 'recoup') {
			assert.match(properties.artistId.description, /a UUID .*never the artist name/);
		}
	}
}

function checkToolTurns(tool, calls, secrets) {
	const mine = calls.filter((call) => tool.tool.test(call.tool));
	assert.equal(mine.length, 2, 'two calls: the bad value, then the good one');
	const [bad, good] = mine.map((call) => ({ ...call, text: unescaped(call.result) }));
	assert.deepEqual(bad.args, tool.bad);
	assert.ok(
		bad.text.includes(tool.error),
		`the tool result for the bad value names the problem: ${bad.text}`,
	);
	assert.ok(!good.text.includes('"error"'), `the good call succeeds: ${good.text}`);
	assert.notEqual(good.text, '', 'the good call answers');
	for (const secret of secrets) {
		assert.ok(!bad.text.includes(secret) && !good.text.includes(secret), 'no secret to the model');
	}
}

function checkProviderRequests(tool, requests) {
	const badValues = Object.entries(tool.bad)
		.filter(([field, value]) => tool.good[field] !== value)
		.map(([, value]) => value);
	for (const request of requests) {
		for (const value of badValues) {
			const reached =
				request.path.includes(encodeURIComponent(value)) ||
				JSON.stringify(request.body ?? '').includes(JSON.stringify(value));
			assert.ok(!reached, `the bad value "${value}" reached the provider`);
		}
	}
	const posts = requests.filter((request) => request.method === 'POST');
	assert.equal(posts.length, tool.postsPerCreate ?? 1, 'the requests of one create');
	tool.checkSent(posts);
}

/** Tool results are JSON text; our error messages quote the bad value. */
function unescaped(text) {
	return String(text ?? '').replaceAll('\\"', '"');
}

/**
 * The example on the canvas, and the Recoup tool's panel: n8n keeps the imported On Error setting
 * ("Execution will continue even if the node fails") but its Settings tab offers no On Error for
 * tool nodes, so the README tells users where the setting lives (a copied tool keeps it).
 */
async function screenshotTool({ instance, line, report }, workflow) {
	const label = `[${line}.x]`;
	if (!existsSync(chromiumPath)) {
		await report.check(`${label} browser: Chromium is installed`, () => {
			throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
		});
		return;
	}
	mkdirSync(screenshotsDir, { recursive: true });
	mkdirSync(outputDir, { recursive: true });
	const profile = mkdtempSync(join(tmpdir(), 'n8n-agent-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath,
		args: CHROMIUM_FLAGS,
		viewport: { width: 1280, height: 800 },
	});
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: instance.url });
	context.setDefaultTimeout(20_000);
	const page = context.pages()[0] ?? (await context.newPage());
	const settle = () => page.waitForTimeout(line === '1' ? 1000 : 400);
	const failed = (name) =>
		page.screenshot({ path: join(outputDir, `agent-${name}-${line}.x-failed.png`) });
	try {
		await report.check(`${label} browser: the example opens on the canvas`, async () => {
			try {
				await logIn(page, instance);
				await page.goto(`${instance.url}/workflow/${workflow.id}`);
				await byTestId(page, 'canvas-node').first().waitFor();
				await page.getByText('Open Chatwoot conversation').first().waitFor();
				await settle();
				await page.screenshot({ path: join(screenshotsDir, `agent-workflow-${line}.x.png`) });
			} catch (error) {
				await failed('workflow');
				throw error;
			}
		});
		await report.check(
			`${label} browser: the tool keeps On Error = continue, its Settings tab has no On Error field`,
			async () => {
				try {
					const tool = workflow.nodes.find((node) => node.name === 'Create Recoup chat');
					await page.goto(`${instance.url}/workflow/${workflow.id}/${tool.id}`);
					const ndv = byTestId(page, 'ndv');
					await ndv.waitFor();
					await ndv.getByText('Execution will continue even if the node fails').first().waitFor();
					await settle();
					await ndv.screenshot({ path: join(screenshotsDir, `agent-tool-${line}.x.png`) });
					await ndv.getByText('Settings', { exact: true }).first().click();
					await ndv.getByText('Display Note in Flow?').first().waitFor();
					assert.equal(await ndv.getByText('On Error', { exact: true }).count(), 0);
				} catch (error) {
					await failed('tool');
					throw error;
				}
			},
		);
		await report.check(`${label} browser: a copied and pasted tool keeps On Error`, async () => {
			try {
				await page.goto(`${instance.url}/workflow/${workflow.id}`);
				await byTestId(page, 'canvas-node').first().waitFor();
				await settle();
				await byTestId(page, 'canvas-node')
					.filter({ hasText: 'Create Recoup chat' })
					.first()
					.click({ force: true });
				await page.keyboard.press('Control+c');
				await page.waitForTimeout(500);
				await page.keyboard.press('Control+v');
				await page.waitForTimeout(1000);
				await page.keyboard.press('Control+s');
				await page.waitForTimeout(1000);
				const saved = await instance.rest('GET', `/rest/workflows/${workflow.id}`);
				const copies = saved.nodes.filter((node) => node.name.startsWith('Create Recoup chat'));
				assert.deepEqual(
					copies.map((node) => node.onError),
					['continueRegularOutput', 'continueRegularOutput'],
				);
			} catch (error) {
				await failed('copy');
				throw error;
			}
		});
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
}

// The editor in headless Chromium: log in, add each node from the node creator, check its fields,
// open its credential dialog, and screenshot the node panel for the README; then open every
// shipped example, check its node panel shows its fields as stored, edit a field, save, and run it.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { OWNER } from '../../../scripts/lib/instance.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotsDir = resolve(here, '..', 'screenshots');
export const outputDir = resolve(here, '..', 'output');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

export const byTestId = (page, id) => page.locator(`[data-test-id="${id}"]`);

export async function checkInEditor({ instance, line, scenarios, examples = [], running, report }) {
	const label = `[${line}.x]`;
	if (!existsSync(chromiumPath)) {
		await report.check(`${label} browser: Chromium is installed`, () => {
			throw new Error(
				`No Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
			);
		});
		return;
	}
	mkdirSync(screenshotsDir, { recursive: true });
	mkdirSync(outputDir, { recursive: true });
	const profile = mkdtempSync(join(tmpdir(), 'n8n-e2e-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath,
		args: CHROMIUM_FLAGS,
		viewport: { width: 1280, height: 800 },
	});
	context.setDefaultTimeout(20_000);
	const page = context.pages()[0] ?? (await context.newPage());
	try {
		const loggedIn = await report.check(`${label} browser: logs in`, () => logIn(page, instance));
		if (!loggedIn) return;
		for (const scenario of scenarios) {
			const name = `${label} browser: ${scenario.id}`;
			const added = await report.check(
				`${name}: adds the node from the node creator, fields shown`,
				() => addNode(page, instance, scenario, line),
			);
			if (!added) {
				await page.screenshot({ path: join(outputDir, `${scenario.id}-${line}.x-failed.png`) });
				continue;
			}
			await report.check(`${name}: credential dialog`, async () => {
				try {
					await openCredentialDialog(page, scenario, line);
				} catch (error) {
					await page.screenshot({
						path: join(outputDir, `${scenario.id}-credential-${line}.x-failed.png`),
					});
					throw error;
				}
			});
		}
		for (const run of examples) {
			const { id } = run.scenario;
			await report.check(
				`${label} browser: ${id}: the example opens with no field in error, is edited, saved and runs`,
				async () => {
					try {
						await checkExample(page, instance, run, running.byScenario[id], line);
					} catch (error) {
						await page.screenshot({ path: join(outputDir, `example-${id}-${line}.x-failed.png`) });
						throw error;
					}
				},
			);
		}
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
}

export async function logIn(page, instance) {
	await page.goto(`${instance.url}/signin`);
	const form = byTestId(page, 'signin-form');
	await form.waitFor();
	await form
		.locator('input[type="email"], input[name="email"], input[name="emailOrLdapLoginId"]')
		.first()
		.fill(OWNER.email);
	await form.locator('input[type="password"]').first().fill(OWNER.password);
	await form.locator('button').last().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	return true;
}

async function addNode(page, instance, scenario, line) {
	const { search, action, parameters = [], labels = [] } = scenario.browser;
	await page.goto(`${instance.url}/workflow/new`);
	await byTestId(page, 'canvas-add-button').click();
	await byTestId(page, 'node-creator-search-bar').fill(search);
	await byTestId(page, 'node-creator-item-name')
		.filter({ hasText: new RegExp(`^${search}$`) })
		.first()
		.click();
	// The node's panel lists its actions; some versions first show "Add to workflow".
	const addToWorkflow = page.getByRole('button', { name: /add to workflow/i });
	const actionItem = byTestId(page, 'node-creator-item-name').filter({ hasText: action });
	const ndv = byTestId(page, 'ndv');
	// A node with a trigger of the same name is one entry: on an empty canvas n8n lists the
	// triggers and folds the actions away under "Actions (N)".
	const foldedActions = page.getByText(/^Actions \(\d+\)$/);
	await addToWorkflow.or(actionItem).or(ndv).or(foldedActions).first().waitFor();
	if (await addToWorkflow.isVisible()) await addToWorkflow.click();
	if (!(await ndv.isVisible())) {
		await page.waitForTimeout(300);
		if (!(await actionItem.first().isVisible()) && (await foldedActions.first().isVisible())) {
			await foldedActions.first().click();
		}
		await actionItem.or(ndv).first().waitFor();
		await page.waitForTimeout(500);
		if (await actionItem.first().isVisible()) await actionItem.first().click();
	}
	await ndv.waitFor();
	for (const parameter of parameters) {
		await byTestId(ndv, `parameter-input-${parameter}`).first().waitFor({ state: 'visible' });
	}
	for (const label of labels) {
		await ndv.getByText(label, { exact: true }).first().waitFor({ state: 'visible' });
	}
	await scenario.browser.inspect?.({ page, ndv, byTestId });
	// 1.x fades the panel in.
	await page.waitForTimeout(line === '1' ? 1000 : 400);
	await ndv.screenshot({ path: join(screenshotsDir, `${scenario.id}-${line}.x.png`) });
	return true;
}

async function openCredentialDialog(page, scenario, line) {
	const { credentialParameters = [], credentialTexts = [] } = scenario.browser;
	await byTestId(page, 'node-credentials-select').click();
	await page.getByText('Create new credential').first().click();
	const modal = byTestId(page, 'editCredential-modal');
	await modal.waitFor();
	for (const parameter of credentialParameters) {
		await byTestId(modal, `parameter-input-${parameter}`).first().waitFor({ state: 'visible' });
	}
	for (const text of credentialTexts) {
		await modal.getByText(text).first().waitFor({ state: 'visible' });
	}
	await scenario.browser.inspectCredential?.({ page, modal, byTestId });
	await page.waitForTimeout(400);
	await modal.screenshot({ path: join(outputDir, `${scenario.id}-credential-${line}.x.png`) });
	await page.keyboard.press('Escape');
}

/**
 * Opens the imported example, then its provider node: every field shows without an issue and no
 * list field shows one box per character (a list stored as a plain string). Then replaces one
 * field's text, saves, runs the workflow from the editor, and checks the provider fake received
 * the edited text.
 */
async function checkExample(page, instance, run, fakes, line) {
	const { node: nodeName, edit } = run.scenario.browser.example;
	await page.goto(`${instance.url}/workflow/${run.workflow.id}`);
	const canvasNode = byTestId(page, 'canvas-node').filter({ hasText: nodeName }).first();
	await canvasNode.waitFor();
	// The canvas marks a node whose parameters have issues (a required field empty, an option
	// that does not exist) with a warning; the node panel shows few of them before a run.
	await page.waitForTimeout(500);
	if ((await byTestId(canvasNode, 'node-issues').count()) > 0) {
		await byTestId(canvasNode, 'node-issues').first().hover();
		await page.waitForTimeout(1000);
		// The tooltip that lists them ("Issues: - …").
		const listed = await page.evaluate(() => {
			const texts = [...document.querySelectorAll('body *')]
				.filter((element) => element.checkVisibility())
				.map((element) => element.textContent.trim())
				.filter((text) => /^Issues:\s*\S/.test(text));
			return texts.sort((a, b) => a.length - b.length)[0] ?? '';
		});
		throw new Error(`The canvas shows issues on "${nodeName}": ${listed}`);
	}
	await canvasNode.dblclick();
	const ndv = byTestId(page, 'ndv');
	await byTestId(ndv, 'node-parameters').waitFor();
	await page.waitForTimeout(line === '1' ? 1000 : 500);
	const node = run.workflow.nodes.find((candidate) => candidate.name === nodeName);
	await expectFieldsAsStored(ndv, instance, node);
	await ndv.screenshot({ path: join(screenshotsDir, `example-${run.scenario.id}-${line}.x.png`) });

	await replaceText(page, byTestId(ndv, `parameter-input-${edit.field}`).first(), edit.text);
	await closeNodePanel(page, line);
	await save(page);
	const parameter = edit.parameter ?? edit.field;
	const saved = await savedParameter(instance, run.workflow.id, nodeName, parameter, edit.text);
	if (!JSON.stringify(saved ?? '').includes(edit.text)) {
		throw new Error(`The saved ${parameter} is ${JSON.stringify(saved)}, not the edited text`);
	}

	const before = Object.fromEntries(
		Object.entries(fakes).map(([key, fake]) => [key, fake.requests.length]),
	);
	const execution = await runFromCanvas(page, instance);
	if (execution.status !== 'success') {
		throw new Error(
			`The run ended "${execution.status}": ${String(execution.data).slice(0, 1500)}`,
		);
	}
	const sent = Object.entries(fakes).flatMap(([key, fake]) => fake.requests.slice(before[key]));
	if (!sent.some((request) => JSON.stringify(request.body ?? '').includes(edit.text))) {
		throw new Error(`No request to the provider fake carried the edited ${edit.field}`);
	}
}

async function expectFieldsAsStored(ndv, instance, node) {
	const issues = byTestId(ndv, 'parameter-issues');
	if ((await issues.count()) > 0) {
		const fields = await issues.evaluateAll((elements) =>
			elements.map(
				(element) =>
					element
						.closest('[data-test-id^="parameter-input-"], [data-test-id="parameter-item"]')
						?.getAttribute('data-test-id') ?? element.textContent,
			),
		);
		throw new Error(`Fields show an issue: ${fields.join(', ')}`);
	}
	// A list field (multipleValues) shows one box per stored value; a plain string stored there
	// shows one box per character.
	for (const name of await listFields(instance, node.type)) {
		const stored = node.parameters[name];
		if (stored === undefined) continue;
		const expected = Array.isArray(stored) ? stored.length : 1;
		const boxes = await byTestId(ndv, `parameter-input-${name}`).count();
		// Not shown for this operation.
		if (boxes === 0) continue;
		if (boxes !== expected) {
			throw new Error(
				`${name} shows ${boxes} boxes for the stored ${JSON.stringify(stored)}` +
					(Array.isArray(stored) ? '' : ': a list field stored as a plain string'),
			);
		}
	}
}

/** The node type's top-level string fields that take a list of values. */
async function listFields(instance, type) {
	const nodes = await instance.rest('GET', '/types/nodes.json');
	const description = nodes.find((candidate) => candidate.name === type);
	return (description?.properties ?? [])
		.filter((property) => property.type === 'string' && property.typeOptions?.multipleValues)
		.map((property) => property.name);
}

/** Replaces a field's whole text: an expression editor (CodeMirror) or a plain input. */
async function replaceText(page, field, text) {
	const editor = field.locator('.cm-content');
	if ((await editor.count()) > 0) {
		await editor.first().click();
		await page.keyboard.press('ControlOrMeta+A');
		await page.keyboard.type(text);
	} else {
		await field.locator('input, textarea').first().fill(text);
	}
	await page.waitForTimeout(300);
}

async function closeNodePanel(page, line) {
	await byTestId(page, line === '1' ? 'back-to-canvas' : 'ndv-close-button')
		.or(byTestId(page, 'ndv-close-button'))
		.or(byTestId(page, 'back-to-canvas'))
		.first()
		.click();
	await byTestId(page, 'ndv').waitFor({ state: 'hidden' });
}

/** Ctrl+S, as a user saves (2.x has no Save button: it saves by itself after an edit). */
async function save(page) {
	await byTestId(page, 'canvas-node').first().waitFor();
	await page.keyboard.press('ControlOrMeta+S');
}

/** The parameter as n8n's database holds it, once it holds `text` or the time is up. */
async function savedParameter(instance, workflowId, nodeName, parameter, text, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	let value;
	do {
		const workflow = await instance.rest('GET', `/rest/workflows/${workflowId}`);
		value = workflow.nodes.find((node) => node.name === nodeName)?.parameters?.[parameter];
		if (JSON.stringify(value ?? '').includes(text)) return value;
		await new Promise((resolve) => setTimeout(resolve, 500));
	} while (Date.now() < deadline);
	return value;
}

/** "Execute workflow" on the canvas; returns the finished execution as n8n stored it. */
async function runFromCanvas(page, instance, timeoutMs = 60_000) {
	const started = page.waitForResponse(
		(response) =>
			response.request().method() === 'POST' &&
			/\/rest\/workflows\/[^/]+\/run/.test(response.url()),
	);
	await byTestId(page, 'execute-workflow-button').first().click();
	const answer = await (await started).json();
	const executionId = answer.data?.executionId ?? answer.executionId;
	if (!executionId) throw new Error(`The editor started no execution: ${JSON.stringify(answer)}`);
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const execution = await instance.rest('GET', `/rest/executions/${executionId}`);
		if (['success', 'error', 'crashed', 'canceled'].includes(execution.status)) return execution;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`Execution ${executionId} did not finish in ${timeoutMs / 1000} s`);
}

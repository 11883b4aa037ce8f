// The editor in headless Chromium: log in, add each node from the node creator, check its fields,
// open its credential dialog, and screenshot the node panel for the README.
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

export async function checkInEditor({ instance, line, scenarios, report }) {
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
	await addToWorkflow.or(actionItem).or(ndv).first().waitFor();
	if (await addToWorkflow.isVisible()) await addToWorkflow.click();
	if (!(await ndv.isVisible())) {
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

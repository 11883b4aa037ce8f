// "Connect my account" for the Fanvue OAuth2 credential in real n8n (both lines), through n8n's
// own popup, against a real OAuth2 server (oidc-provider) that behaves like Fanvue's Ory Hydra.
// `node test/e2e/oauth-connect.mjs [--n8n=2,1] [--no-build] [--keep]`.
// Checks: the default scopes connect an app allowed exactly those (tokens stored, refresh token
// included); an app with other scopes is refused with the default scopes; after the user edits
// Scope to exactly the app's scopes it connects. Ends with "N passed, N failed"; exits 1 on failure.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { byTestId, CHROMIUM_FLAGS, chromiumPath, logIn, outputDir } from './lib/browser.mjs';
import { FANVUE_SCOPE as DEFAULT_SCOPE } from './lib/fanvue-credential.mjs';
import { startOAuthServer } from './lib/oauth-server.mjs';
import { runE2e } from './lib/runner.mjs';

// An app ticked for fewer scopes than the default asks for.
const NARROW_SCOPE = 'openid offline_access offline read:self write:chat';
const APPS = {
	standard: {
		clientId: 'fanvue-app-standard',
		clientSecret: 'secret-standard',
		scope: DEFAULT_SCOPE,
	},
	narrow: { clientId: 'fanvue-app-narrow', clientSecret: 'secret-narrow', scope: NARROW_SCOPE },
};

await runE2e({
	title: 'OAuth connect e2e',
	heading: 'Fanvue "Connect my account"',
	folder: 'oauth',
	fakes: false,
	showTarball: true,
	before() {
		if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}`);
		mkdirSync(outputDir, { recursive: true });
	},
	async line({ line, label, report, instance, cleanup, install, start }) {
		const profile = mkdtempSync(join(tmpdir(), 'n8n-oauth-chromium-'));
		cleanup(() => rmSync(profile, { recursive: true, force: true }));
		const oauth = await startOAuthServer({
			redirectUri: `${instance.url}/rest/oauth2-credential/callback`,
			apps: Object.values(APPS),
		});
		cleanup(() => oauth.stop());
		const ready = await report.check(`${label} installs the package and starts n8n`, async () => {
			await install();
			await start();
			return true;
		});
		if (!ready) return;
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: chromiumPath,
			args: CHROMIUM_FLAGS,
			viewport: { width: 1280, height: 900 },
		});
		cleanup(() => context.close());
		context.setDefaultTimeout(20_000);
		const page = context.pages()[0] ?? (await context.newPage());
		const loggedIn = await report.check(`${label} browser: logs in`, () => logIn(page, instance));
		if (!loggedIn) return;

		const step = (name, fn) =>
			report.check(`${label} ${name}`, async () => {
				try {
					return await fn();
				} catch (error) {
					const file = `oauth-${line}.x-failed-${Date.now()}.png`;
					await page.screenshot({ path: join(outputDir, file) }).catch(() => {});
					throw error;
				}
			});

		await step('default scopes, app allowed exactly those: connects, tokens stored', async () => {
			const id = await createCredential(instance, oauth, 'Fanvue (standard app)', APPS.standard);
			const modal = await openCredential(page, instance, id);
			const popup = await connect(page, modal);
			assert.equal(popup.error, undefined, `The popup ended on an error: ${popup.details}`);
			await byTestId(modal, 'oauth-connect-success-banner').waitFor();
			assert.equal(oauth.authorizationRequests.at(-1).scope, DEFAULT_SCOPE);
			await page.waitForTimeout(line === '1' ? 1000 : 400);
			await modal.screenshot({ path: join(outputDir, `fanvue-oauth-connected-${line}.x.png`) });
			await assertTokensStored(instance, id);
			await closeModal(page);
		});

		let narrowId;
		await step(
			'default scopes, app allowed other scopes: Fanvue refuses, nothing stored',
			async () => {
				narrowId = await createCredential(instance, oauth, 'Fanvue (narrow app)', APPS.narrow);
				const modal = await openCredential(page, instance, narrowId);
				const popup = await connect(
					page,
					modal,
					join(outputDir, `fanvue-oauth-refused-popup-${line}.x.png`),
				);
				assert.equal(oauth.authorizationRequests.at(-1).scope, DEFAULT_SCOPE);
				assert.ok(popup.error, `Expected the popup to show an error, but it showed: ${popup.text}`);
				assert.match(popup.details, /invalid_scope/);
				assert.match(popup.details, /not allowed to request scope 'read:chat'/);
				console.log(`      the popup shows: ${oneLine(popup.text)}`);
				console.log(`      under "More details": ${oneLine(popup.details)}`);
				await page.waitForTimeout(1500);
				const toasts = await page.locator('.el-notification').allInnerTexts();
				console.log(`      the editor shows: ${oneLine(toasts.join(' | ')) || 'no message'}`);
				assert.equal(
					await modal.locator('[data-test-id="oauth-connect-success-banner"]:visible').count(),
					0,
				);
				await byTestId(modal, 'oauth-connect-button').waitFor();
				await page.screenshot({ path: join(outputDir, `fanvue-oauth-refused-${line}.x.png`) });
				const stored = await storedCredential(instance, narrowId);
				assert.equal(stored.data.oauthTokenData, undefined, 'Tokens were stored after a refusal');
				await closeModal(page);
			},
		);

		if (narrowId) {
			await step(
				"user sets Scope to exactly the app's scopes: connects, tokens stored",
				async () => {
					const modal = await openCredential(page, instance, narrowId);
					const scope = byTestId(modal, 'parameter-input-appScopes')
						.locator('input, textarea')
						.first();
					await scope.fill(NARROW_SCOPE);
					await scope.press('Tab');
					await saveCredential(page, modal);
					const saved = await storedCredential(instance, narrowId);
					assert.equal(saved.data.appScopes, NARROW_SCOPE, 'The edited Scope was not saved');
					const popup = await connect(page, modal);
					// n8n (1.123 and 2.8) drops a stored scope of a credential type whose name contains "OAuth2"
					// unless it is one of its own generic ones, and asks with the type's default instead.
					assert.equal(
						oauth.authorizationRequests.at(-1).scope,
						NARROW_SCOPE,
						'n8n did not send the Scope the user saved',
					);
					assert.equal(popup.error, undefined, `The popup ended on an error: ${popup.details}`);
					await byTestId(modal, 'oauth-connect-success-banner').waitFor();
					await assertTokensStored(instance, narrowId);
					await closeModal(page);
				},
			);
		}
	},
});

/** The Authorization and Access Token URLs are hidden fields, so the credential starts over REST. */
async function createCredential(instance, oauth, name, app) {
	const created = await instance.rest('POST', '/rest/credentials', {
		name,
		type: 'chatProvidersFanvueOAuth2Api',
		data: {
			grantType: 'pkce',
			clientId: app.clientId,
			clientSecret: app.clientSecret,
			authUrl: oauth.authUrl,
			accessTokenUrl: oauth.accessTokenUrl,
			authentication: 'header',
			appScopes: DEFAULT_SCOPE,
			authQueryParameters: '',
			apiBaseUrl: 'https://api.fanvue.com',
		},
	});
	return created.id;
}

async function openCredential(page, instance, id) {
	await page.goto(`${instance.url}/home/credentials/${id}`);
	const modal = byTestId(page, 'editCredential-modal');
	await modal.waitFor();
	// The success banner is always in the page, hidden until connected.
	await modal
		.locator(
			'[data-test-id="oauth-connect-button"]:visible, [data-test-id="oauth-connect-success-banner"]:visible',
		)
		.first()
		.waitFor();
	return modal;
}

async function saveCredential(page, modal) {
	const save = byTestId(modal, 'credential-save-button');
	if (await save.isVisible()) {
		await save.click();
		await page.waitForTimeout(1500);
	}
}

async function closeModal(page) {
	await page.keyboard.press('Escape');
	await page.waitForTimeout(500);
}

/**
 * Clicks "Connect my account" and goes through the popup: the OAuth2 server's login and consent
 * pages, then n8n's callback. Returns what the popup showed last; `error` is set when n8n's
 * callback page reported one (that page stays open; on success n8n closes the popup).
 */
async function connect(page, modal, errorScreenshot) {
	const opened = page.waitForEvent('popup');
	await byTestId(modal, 'oauth-connect-button').click();
	const popup = await opened;
	const deadline = Date.now() + 45_000;
	let text = '';
	while (Date.now() < deadline) {
		if (popup.isClosed()) return { text };
		try {
			const url = popup.url();
			if (url.includes('/rest/oauth2-credential/callback')) {
				await popup.waitForLoadState('domcontentloaded');
				await popup.waitForTimeout(1000);
				if (popup.isClosed()) return { text };
				text = await popup.locator('body').innerText();
				if (/error/i.test(text)) {
					// n8n's error page keeps the server's answer under a collapsed "More details".
					const details = await popup.locator('pre.reason').first().textContent();
					if (errorScreenshot) await popup.screenshot({ path: errorScreenshot });
					await popup.close();
					return { error: true, text, details };
				}
			} else if (await popup.locator('input[name="login"]').isVisible()) {
				await popup.locator('input[name="login"]').fill('creator@example.com');
				await popup.locator('input[name="password"]').fill('any-password');
				await popup.getByRole('button', { name: 'Sign-in' }).click();
				await popup.waitForLoadState('domcontentloaded');
			} else if (await popup.getByRole('button', { name: 'Continue' }).isVisible()) {
				await popup.getByRole('button', { name: 'Continue' }).click();
				await popup.waitForLoadState('domcontentloaded');
			}
		} catch (error) {
			if (!popup.isClosed()) throw error;
		}
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`The popup did not finish in 45 s; last at ${popup.url()}:\n${text}`);
}

function oneLine(text) {
	return String(text ?? '')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 600);
}

async function storedCredential(instance, id) {
	// The export is written beside the imports, a folder only importJson creates.
	mkdirSync(join(instance.userFolder, 'imports'), { recursive: true });
	const all = await instance.decryptedCredentials();
	const stored = all.find((credential) => credential.id === id);
	if (!stored) throw new Error(`Credential ${id} is not in n8n's export`);
	return stored;
}

async function assertTokensStored(instance, id) {
	const { data } = await storedCredential(instance, id);
	const tokens = data.oauthTokenData;
	assert.ok(tokens, 'No oauthTokenData stored');
	assert.equal(typeof tokens.access_token, 'string', 'No access token stored');
	assert.equal(typeof tokens.refresh_token, 'string', 'No refresh token stored');
	assert.ok(tokens.access_token.length > 10 && tokens.refresh_token.length > 10);
}

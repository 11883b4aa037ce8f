// Fanvue in a real n8n: an expired OAuth2 access token refreshed by n8n itself (new tokens saved
// in n8n's database), the example workflow against FanvueFake, Create Chat's first message (sent,
// and refused by Fanvue), and a bad-input error. Message > Send and Chat > Get Many run in
// fanvue-follow-up.mjs.
import assert from 'node:assert/strict';

import { fanvueOAuth2Credential } from '../lib/fanvue-credential.mjs';
import { loadExample, withInput, withParameters } from '../lib/workflows.mjs';

const example = loadExample('fanvue-create-chat.json');
const NODE = 'Open Fanvue chat';
const ADA = 'f0000000-0000-4000-8000-000000000001';
const LUNA = 'c0c0c0c0-0000-4000-8000-000000000001';
/** The first message FanvueFake refuses (as Fanvue refuses a message it will not deliver). */
export const REFUSED_TEXT = 'A first message Fanvue refuses';
const REFUSAL = { status: 400, body: { errors: ['text contains a word Fanvue does not allow'] } };

export default {
	id: 'fanvue',
	node: 'fanvue',
	credentialTypes: ['chatProvidersFanvueOAuth2Api'],

	async startFakes(fakes) {
		const { FanvueFake } = fakes.load('fanvue');
		const fanvue = await new FanvueFake().start();
		// The stored access token has expired by the time the workflow runs.
		fanvue.grant = fanvue.tokens.issueGrant();
		fanvue.tokens.expireAccessTokens();
		// Each n8n line starts its own fake; one workflow per line sends this text.
		fanvue.scriptFor('POST', /^\/chats\/[^/]+\/message$/, REFUSED_TEXT, REFUSAL);
		return { fanvue };
	},

	credentials: ({ fanvue }) => [
		fanvueOAuth2Credential({ name: 'Fanvue account' }, fanvue, fanvue.grant),
	],

	/**
	 * n8n tests an OAuth2 credential without a request: it is OK once connected (it holds an
	 * access token), whether or not the token still works.
	 */
	credentialTests: ({ fanvue }) => {
		const connected = fanvueOAuth2Credential({}, fanvue, fanvue.grant).data;
		const data = { ...connected, oauthTokenData: undefined };
		return [
			{
				name: 'connected (an access token is stored)',
				data: connected,
				status: 'OK',
				message: 'Connection Successful!',
				requests: 0,
			},
			{
				name: 'not connected yet',
				data,
				status: 'Error',
				message: 'This OAuth2 credential was not connected to an account.',
				requests: 0,
			},
		];
	},

	secrets: ({ fanvue }) => [
		fanvue.clientSecret,
		fanvue.grant.access_token,
		fanvue.grant.refresh_token,
	],

	/** The first workflow is the example itself; the dev demo imports that one. */
	workflows: [
		{
			name: 'refreshes the expired token inside n8n, then opens the chat',
			workflow: example,
			async check({ output, sent, fakes: { fanvue }, instance }) {
				assert.deepEqual(fanvue.tokens.refreshLog, [
					{ refreshToken: fanvue.grant.refresh_token, outcome: 'ok' },
				]);
				const requests = sent('fanvue');
				assert.deepEqual(
					requests.map((request) => `${request.method} ${request.path}`),
					['POST /chats', 'POST /oauth2/token', 'POST /chats'],
				);
				const [expired, refresh, retried] = requests;
				assert.equal(expired.headers.authorization, `Bearer ${fanvue.grant.access_token}`);
				const basic = Buffer.from(`${fanvue.clientId}:${fanvue.clientSecret}`).toString('base64');
				assert.equal(refresh.headers.authorization, `Basic ${basic}`);
				assert.equal(new URLSearchParams(refresh.rawBody).get('grant_type'), 'refresh_token');
				assert.equal(
					new URLSearchParams(refresh.rawBody).get('refresh_token'),
					fanvue.grant.refresh_token,
				);
				for (const call of [expired, retried]) {
					assert.equal(call.headers['x-fanvue-api-version'], '2025-06-26');
					assert.deepEqual(call.body, { userUuid: ADA });
				}
				assert.notEqual(retried.headers.authorization, expired.headers.authorization);

				assert.deepEqual(output(NODE), [
					{ fanUuid: ADA, creatorUuid: null, created: true, message: 'Chat created successfully' },
				]);
				assert.deepEqual(fanvue.chats, [`self/${ADA}`]);

				// n8n saved the renewed tokens: the next execution starts from them.
				const stored = (await instance.decryptedCredentials()).find(
					(credential) => credential.id === 'fanvueCredential1',
				);
				const saved = stored.data.oauthTokenData;
				assert.equal(`Bearer ${saved.access_token}`, retried.headers.authorization);
				assert.notEqual(saved.refresh_token, fanvue.grant.refresh_token);
			},
		},
		{
			name: 'opens the chat as the agency creator picked in Creator',
			workflow: withParameters(example, NODE, {
				creator: { __rl: true, mode: 'list', value: LUNA, cachedResultName: 'Luna Star (@luna)' },
			}),
			check({ output, sent, fakes: { fanvue } }) {
				const [request, ...more] = sent('fanvue');
				assert.equal(more.length, 0, 'one request');
				assert.equal(`${request.method} ${request.path}`, `POST /creators/${LUNA}/chats`);
				assert.deepEqual(request.body, { userUuid: ADA });
				assert.deepEqual(output(NODE), [
					{ fanUuid: ADA, creatorUuid: LUNA, created: true, message: 'Chat created successfully' },
				]);
				assert.equal(fanvue.chats.at(-1), `${LUNA}/${ADA}`);
			},
		},
		{
			name: 'opens the chat, then sends its first message into it once',
			workflow: withParameters(example, NODE, {
				options: { firstMessage: '={{ "Hi " + $json.handle + ", welcome!" }}' },
			}),
			check({ output, sent, fakes: { fanvue } }) {
				const requests = sent('fanvue');
				assert.deepEqual(
					requests.map((request) => `${request.method} ${request.path}`),
					['POST /chats', `POST /chats/${ADA}/message`],
				);
				assert.deepEqual(requests[1].body, { text: 'Hi ada, welcome!' });
				assert.equal(requests[1].headers['x-fanvue-api-version'], '2025-06-26');
				const message = fanvue.messages.at(-1);
				assert.equal(message.chat, `self/${ADA}`);
				assert.deepEqual(output(NODE), [
					{
						fanUuid: ADA,
						creatorUuid: null,
						created: true,
						message: 'Chat created successfully',
						firstMessage: { sent: true, messageUuid: message.messageUuid },
					},
				]);
			},
		},
		{
			name: "as an agency creator, the first message goes into that creator's chat",
			workflow: withParameters(example, NODE, {
				creator: { __rl: true, mode: 'id', value: LUNA },
				options: { firstMessage: 'Hi from Luna' },
			}),
			check({ output, sent, fakes: { fanvue } }) {
				assert.deepEqual(
					sent('fanvue').map((request) => `${request.method} ${request.path}`),
					[`POST /creators/${LUNA}/chats`, `POST /creators/${LUNA}/chats/${ADA}/message`],
				);
				assert.equal(fanvue.messages.at(-1).chat, `${LUNA}/${ADA}`);
				assert.equal(output(NODE)[0].firstMessage.sent, true);
			},
		},
		{
			name: 'a first message Fanvue refuses: the item succeeds, the chat is created and the output says why',
			workflow: withParameters(example, NODE, { options: { firstMessage: REFUSED_TEXT } }),
			check({ output, sent, fakes: { fanvue } }) {
				assert.deepEqual(
					sent('fanvue').map((request) => `${request.method} ${request.path}`),
					['POST /chats', `POST /chats/${ADA}/message`],
				);
				assert.ok(!fanvue.messages.some((message) => message.body.text === REFUSED_TEXT));
				const [chat, ...more] = output(NODE);
				assert.equal(more.length, 0, 'one output item');
				assert.equal(chat.created, true);
				assert.equal(chat.firstMessage.sent, false);
				assert.equal(chat.firstMessage.error, `Fanvue: ${REFUSAL.body.errors[0]}`);
				assert.equal(chat.firstMessage.statusCode, 400);
				assert.match(chat.firstMessage.description, /send the message with Message > Send instead/);
			},
		},
		{
			name: 'a first message over 5,000 characters ends in the node error, nothing sent',
			workflow: withParameters(example, NODE, {
				options: { firstMessage: '={{ "x".repeat(5001) }}' },
			}),
			error: 'First Message must be at most 5000 characters, but has 5001 [item 0]',
			check({ sent }) {
				assert.deepEqual(sent('fanvue'), []);
			},
		},
		{
			name: 'a workflow saved with node version 1 still opens the chat as its Options > As Creator',
			workflow: atVersion1(withParameters(example, NODE, { options: { creatorUuid: LUNA } })),
			check({ output, sent }) {
				assert.deepEqual(
					sent('fanvue').map((request) => `${request.method} ${request.path}`),
					[`POST /creators/${LUNA}/chats`],
				);
				assert.equal(output(NODE)[0].creatorUuid, LUNA);
			},
		},
		{
			name: 'a fan ID that is not a UUID ends in the node error, nothing sent',
			workflow: withInput(example, 'fanUuid', 'ada'),
			error: 'Fan must be a UUID, but got "ada" [item 0]',
			check({ sent }) {
				assert.deepEqual(sent('fanvue'), []);
			},
		},
	],

	browser: {
		// Another fan, by UUID in place of the expression.
		example: { node: NODE, edit: { field: 'fan', text: 'f0000000-0000-4000-8000-000000000002' } },
		search: 'Fanvue',
		action: 'Create a chat',
		parameters: ['creator', 'fan'],
		credentialParameters: ['clientId', 'clientSecret', 'appScopes', 'apiBaseUrl'],
		credentialTexts: ['OAuth Redirect URL', '/rest/oauth2-credential/callback'],
		async inspectCredential({ modal, byTestId }) {
			// With the app's client ID and secret filled in, n8n offers its OAuth connect flow.
			await byTestId(modal, 'parameter-input-clientId').locator('input').first().fill('my-app');
			await byTestId(modal, 'parameter-input-clientSecret').locator('input').first().fill('secret');
			await modal
				.getByText(/connect my account|sign in with/i)
				.first()
				.waitFor({ state: 'visible' });
		},
		async inspect({ page, ndv, byTestId }) {
			// Creator comes first and starts on Me; Creator and Fan each offer a list or a UUID.
			const creator = byTestId(ndv, 'parameter-input-creator').first();
			const fan = byTestId(ndv, 'parameter-input-fan').first();
			const creatorBox = await creator.boundingBox();
			const fanBox = await fan.boundingBox();
			assert.ok(creatorBox.y < fanBox.y, 'Creator sits above Fan');
			const creatorInputs = await creator
				.locator('input')
				.evaluateAll((inputs) => inputs.map((input) => input.value));
			assert.ok(
				creatorInputs.includes('Me (the connected account)'),
				`Creator shows ${creatorInputs}`,
			);
			for (const field of [creator, fan]) {
				await byTestId(field, 'rlc-mode-selector').first().click();
				await page.locator('[data-test-id="mode-id"]:visible').first().waitFor();
				await page.keyboard.press('Escape');
			}
			// The editor's lists, against the fake: the agency's creators, then the chosen creator's fans.
			await creator.locator('input:visible').last().click();
			await page.getByText('Luna Star (@luna)', { exact: true }).first().click();
			await fan.locator('input:visible').last().click();
			const zoe = page.getByText('Zoe Park (@zoe)', { exact: true }).first();
			await zoe.waitFor();
			assert.equal(await page.getByText('Ada Lovelace (@ada)', { exact: true }).count(), 0);
			await zoe.click();
			// The version 1 option is gone from new nodes.
			await byTestId(ndv, 'collection-parameter-add')
				.or(ndv.getByPlaceholder(/^Add Option$/i))
				.first()
				.click();
			await page.getByText('API Version', { exact: true }).last().waitFor();
			assert.equal(await page.getByText('As Creator (Agency)', { exact: true }).count(), 0);
			await page.keyboard.press('Escape');
		},
	},
};

/** The workflow as node version 1 saved it (before the Creator field). */
function atVersion1(workflow) {
	const copy = structuredClone(workflow);
	const node = copy.nodes.find((candidate) => candidate.name === NODE);
	node.typeVersion = 1;
	delete node.parameters.creator;
	return copy;
}

// Chert in a real n8n: the example workflow against ChertFake, and its bad-input error.
import assert from 'node:assert/strict';

import { loadExample, withInput } from '../lib/workflows.mjs';

const example = loadExample('chert-create-chat.json');
const NODE = 'Text the lead';

export default {
	id: 'chert',
	node: 'chert',
	credentialTypes: ['chatProvidersChertApi'],

	async startFakes(fakes) {
		const { ChertFake } = fakes.load('chert');
		return { chert: await new ChertFake().start() };
	},

	credentials: ({ chert }) => [
		{
			name: 'Chert account',
			type: 'chatProvidersChertApi',
			data: {
				signingSecret: chert.singleTenant.signingSecret,
				baseUrl: chert.apiBaseUrl,
				authMethod: 'bearer',
				tenantSlug: '',
			},
		},
	],

	secrets: ({ chert }) => [chert.singleTenant.signingSecret],

	/** n8n's credential dialog on Save: GET /phone-numbers, authenticated by the credential. */
	credentialTests: ({ chert }) => {
		const data = (signingSecret, authMethod = 'bearer', tenantSlug = '') => ({
			signingSecret,
			baseUrl: chert.apiBaseUrl,
			authMethod,
			tenantSlug,
		});
		return [
			{
				name: 'the signing secret as a bearer token',
				data: data(chert.singleTenant.signingSecret),
				status: 'OK',
				message: 'Connection successful!',
				requests: 1,
			},
			{
				name: 'signed requests with the tenant slug',
				data: data(chert.multiTenant.signingSecret, 'signed', 'globex-west'),
				secrets: [chert.multiTenant.signingSecret],
				status: 'OK',
				message: 'Connection successful!',
				requests: 1,
			},
			{
				name: 'a wrong signing secret, which Chert answers 401 with code 2004',
				data: data('chert_ss_wrong_0000000000000000'),
				secrets: ['chert_ss_wrong_0000000000000000'],
				status: 'Error',
				message:
					'Chert did not accept the signing secret or the signature. Check Signing Secret (from the Chert console), and that Authenticate With matches your Chert account.',
				requests: 1,
			},
			{
				name: 'a multi-tenant secret without the tenant slug, which Chert answers with code 2012',
				data: data(chert.multiTenant.signingSecret),
				secrets: [chert.multiTenant.signingSecret],
				status: 'Error',
				message:
					'Chert could not tell which tenant this is for. Set Tenant Slug: signed requests and accounts with more than one tenant need it.',
				requests: 1,
			},
		];
	},

	/** The first workflow is the example itself; the dev demo imports that one. */
	workflows: [
		{
			name: 'texts the lead from the team number with the example input',
			workflow: example,
			check({ output, sent, fakes: { chert } }) {
				const requests = sent('chert').filter((request) => request.method === 'POST');
				assert.equal(requests.length, 1, 'one POST');
				const [request] = requests;
				assert.equal(request.path, '/api/v1/chats');
				assert.equal(request.headers.authorization, `Bearer ${chert.singleTenant.signingSecret}`);
				assert.match(String(request.headers['content-type']), /^application\/json/);
				assert.deepEqual(request.body, {
					from: '+15555550100',
					to: ['+14155551234'],
					message: {
						parts: [
							{ type: 'text', value: 'Hi Sam - got a minute for a quick demo?' },
							{ type: 'rich_link', url: 'https://example.com/demo' },
						],
						idempotency_key: request.body.message.idempotency_key,
					},
				});
				assert.match(request.body.message.idempotency_key, /^n8n-[0-9a-f]{48}$/);

				const [result, ...others] = output(NODE);
				assert.equal(others.length, 0, 'one output item');
				const [chat] = chert.chats.values();
				assert.equal(result.chat.id, chat.id);
				assert.equal(result.chat.is_group, false);
				assert.equal(result.message.chat_id, chat.id);
				assert.equal(result.message.status, 'sent');
			},
		},
		{
			name: 'a lead number that is not E.164 ends in the node error, nothing sent',
			workflow: withInput(example, 'leadPhone', 'unknown'),
			error: 'To must be a phone number in E.164 format, but got "unknown" [item 0]',
			check({ sent }) {
				assert.deepEqual(sent('chert'), []);
			},
		},
	],

	browser: {
		// The first message part's text.
		example: {
			node: NODE,
			edit: { field: 'text', parameter: 'parts', text: 'Hi Sam - edited in the editor' },
		},
		search: 'Chert',
		action: 'Create a chat',
		// Version 1.1: To is one field for the whole list.
		parameters: ['from', 'to', 'subject'],
		labels: ['To', 'Message Parts', 'Add Part'],
		credentialParameters: ['signingSecret', 'baseUrl', 'authMethod'],
		async inspectCredential({ page, modal, byTestId }) {
			// Tenant Slug is two fields of one name: the one for Signed Requests is required.
			await byTestId(modal, 'parameter-input-authMethod').first().click();
			await page.getByText('Signed Requests', { exact: true }).last().click();
			await byTestId(modal, 'parameter-input-tenantSlug').first().waitFor({ state: 'visible' });
		},
		async inspect({ page, ndv, byTestId }) {
			// Idempotency Key sits in Options.
			// 2.x shows a button, 1.x a select with the same words as placeholder.
			await byTestId(ndv, 'collection-parameter-add')
				.or(ndv.getByPlaceholder(/^Add Option$/i))
				.first()
				.click();
			await page.getByText('Idempotency Key', { exact: true }).last().waitFor();
			await page.keyboard.press('Escape');
		},
	},
};

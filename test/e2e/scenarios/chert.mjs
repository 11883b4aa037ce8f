// Chert in a real n8n: the example workflows against ChertFake (open a chat, follow up in it,
// read its messages) and their errors.
import assert from 'node:assert/strict';

import { loadExample, withInput, withParameters } from '../lib/workflows.mjs';

const example = loadExample('chert-create-chat.json');
const followUpExample = loadExample('chert-follow-up.json');
const NODE = 'Text the lead';
const FOLLOW_UP = 'Follow up';

/** The follow-up example, its second Chert node doing something else. */
function withFollowUp(parameters) {
	const workflow = structuredClone(followUpExample);
	workflow.nodes.find((node) => node.name === FOLLOW_UP).parameters = parameters;
	return workflow;
}

/** The follow-up example's run: one chat opened, then one follow-up in it. */
export function checkFollowUp({ output, sent, fakes: { chert } }) {
	const posts = sent('chert').filter((request) => request.method === 'POST');
	assert.deepEqual(
		posts.map((request) => request.path.replace(/chats\/[^/]+\//, 'chats/{id}/')),
		['/api/v1/chats', '/api/v1/chats/{id}/messages'],
	);
	const chat = [...chert.chats.values()].at(-1);
	const [, followUp] = posts;
	assert.equal(followUp.path, `/api/v1/chats/${chat.id}/messages`);
	assert.equal(followUp.headers.authorization, `Bearer ${chert.singleTenant.signingSecret}`);
	assert.deepEqual(followUp.body, {
		message: {
			parts: [
				{
					type: 'text',
					value: 'Prices are at https://example.com/pricing - happy to walk you through them.',
				},
				{ type: 'rich_link', url: 'https://example.com/demo', title: 'Book a demo' },
			],
			idempotency_key: followUp.body.message.idempotency_key,
		},
	});
	assert.match(followUp.body.message.idempotency_key, /^n8n-[0-9a-f]{48}$/);
	const [result, ...others] = output(FOLLOW_UP);
	assert.equal(others.length, 0, 'one output item');
	assert.equal(result.message.chat_id, chat.id);
	assert.equal(result.message.direction, 'outbound');
}

export async function startChertFake(fakes) {
	const { ChertFake } = fakes.load('chert');
	return { chert: await new ChertFake().start() };
}

export const chertCredentials = ({ chert }) => [
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
];

export default {
	id: 'chert',
	node: 'chert',
	credentialTypes: ['chatProvidersChertApi'],

	startFakes: startChertFake,

	credentials: chertCredentials,

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
		{
			name: 'opens the chat, then follows up in it with a URL in the text and a rich link',
			workflow: followUpExample,
			check: checkFollowUp,
		},
		{
			name: "reads the chat's messages after opening it: one item per message",
			workflow: withFollowUp({
				resource: 'message',
				operation: 'getMany',
				chatId: '={{ $json.chat.id }}',
				returnAll: true,
				options: {},
			}),
			check({ output, sent, fakes: { chert } }) {
				const chat = [...chert.chats.values()].at(-1);
				const reads = sent('chert').filter((request) => request.method === 'GET');
				assert.deepEqual(
					reads.map((request) => request.path),
					[`/api/v1/chats/${chat.id}/messages`],
				);
				const messages = output(FOLLOW_UP);
				assert.equal(messages.length, 1, 'the opening message');
				assert.equal(messages[0].chat_id, chat.id);
				assert.equal(messages[0].direction, 'outbound');
				assert.equal(messages[0].parts[0].value, 'Hi Sam - got a minute for a quick demo?');
			},
		},
		{
			name: "a follow-up to a chat Chert does not know ends in Chert's error 2002",
			workflow: withParameters(followUpExample, FOLLOW_UP, { chatId: 'no-such-chat' }),
			error: 'Chat no-such-chat not found',
			check({ sent }) {
				const posts = sent('chert').filter((request) => request.method === 'POST');
				assert.deepEqual(
					posts.map((request) => request.path),
					['/api/v1/chats', '/api/v1/chats/no-such-chat/messages'],
				);
			},
		},
		{
			name: 'a follow-up without its Chat ID ends in the node error, no follow-up sent',
			workflow: withParameters(followUpExample, FOLLOW_UP, { chatId: '={{ $json.nothing }}' }),
			error: 'Chat ID is required [item 0]',
			check({ sent }) {
				const posts = sent('chert').filter((request) => request.method === 'POST');
				assert.deepEqual(
					posts.map((request) => request.path),
					['/api/v1/chats'],
				);
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

// Fanvue's conversation going on in a real n8n: the follow-up example (Create Chat, then
// Message > Send), a send as an agency creator, its bad-input error, and Chat > Get Many (Return
// All, Limit, an agency creator's chats). A scenario of its own because the runner opens the first
// workflow of each scenario as its example; Create Chat's first message runs in fanvue.mjs.
import assert from 'node:assert/strict';

import { loadExample, withParameters } from '../lib/workflows.mjs';
import fanvueScenario from './fanvue.mjs';

const example = loadExample('fanvue-follow-up.json');
const SEND = 'Follow up';
const ADA = 'f0000000-0000-4000-8000-000000000001';
const GRACE = 'f0000000-0000-4000-8000-000000000002';
const LUNA = 'c0c0c0c0-0000-4000-8000-000000000001';

/** The example with its second node turned into Chat > Get Many. */
function getMany(parameters) {
	return withParameters(example, SEND, {
		resource: 'chat',
		operation: 'getMany',
		fan: undefined,
		text: undefined,
		...parameters,
	});
}

const requestLines = (requests) => requests.map((request) => `${request.method} ${request.path}`);

export default {
	id: 'fanvue-follow-up',
	node: 'fanvue',
	credentialTypes: fanvueScenario.credentialTypes,
	startFakes: fanvueScenario.startFakes,
	credentials: fanvueScenario.credentials,
	secrets: fanvueScenario.secrets,

	workflows: [
		{
			name: 'opens the chat, then sends the follow-up once',
			workflow: example,
			check({ output, sent, fakes: { fanvue } }) {
				// The stored token has expired: n8n refreshes it once, then both steps go through.
				assert.deepEqual(requestLines(sent('fanvue')), [
					'POST /chats',
					'POST /oauth2/token',
					'POST /chats',
					`POST /chats/${ADA}/message`,
				]);
				assert.deepEqual(fanvue.chats, [`self/${ADA}`]);
				assert.deepEqual(
					fanvue.messages.map((m) => [m.chat, m.body]),
					[[`self/${ADA}`, { text: 'Welcome aboard! Reply here any time.' }]],
				);
				assert.deepEqual(output(SEND), [
					{
						fanUuid: ADA,
						creatorUuid: null,
						sent: true,
						messageUuid: fanvue.messages[0].messageUuid,
					},
				]);
			},
		},
		{
			name: 'sends as the agency creator picked in Creator',
			workflow: withParameters(example, SEND, {
				creator: { __rl: true, mode: 'id', value: LUNA },
				fan: { __rl: true, mode: 'id', value: GRACE },
			}),
			check({ output, sent, fakes: { fanvue } }) {
				assert.deepEqual(requestLines(sent('fanvue')), [
					'POST /chats',
					`POST /creators/${LUNA}/chats/${GRACE}/message`,
				]);
				assert.equal(fanvue.messages.at(-1).chat, `${LUNA}/${GRACE}`);
				assert.deepEqual(output(SEND), [
					{
						fanUuid: GRACE,
						creatorUuid: LUNA,
						sent: true,
						messageUuid: fanvue.messages.at(-1).messageUuid,
					},
				]);
			},
		},
		{
			name: 'a price under 300 cents ends in the node error, the message not sent',
			workflow: withParameters(example, SEND, { options: { price: 299 } }),
			error: 'Price (Cents) must be 0 (free) or at least 300 cents, but got "299" [item 0]',
			check({ sent }) {
				assert.deepEqual(requestLines(sent('fanvue')), ['POST /chats']);
			},
		},
		{
			name: 'Chat > Get Many with Return All: one item per chat',
			workflow: getMany({ returnAll: true }),
			check({ output, sent }) {
				const [list, ...more] = sent('fanvue').slice(1);
				assert.equal(more.length, 0, 'one page');
				assert.equal(`${list.method} ${list.path}`, 'GET /chats');
				assert.deepEqual(list.query, { page: '1', size: '50' });
				assert.deepEqual(
					output(SEND).map((chat) => [chat.user.uuid, chat.creatorUuid]),
					[
						[ADA, null],
						[GRACE, null],
						['f0000000-0000-4000-8000-000000000003', null],
					],
				);
			},
		},
		{
			name: 'Chat > Get Many with Limit 2: the first two chats',
			workflow: getMany({ returnAll: false, limit: 2 }),
			check({ output }) {
				assert.deepEqual(
					output(SEND).map((chat) => chat.user.handle),
					['ada', 'grace'],
				);
			},
		},
		{
			name: "Chat > Get Many as an agency creator: that creator's chats",
			workflow: getMany({ creator: { __rl: true, mode: 'id', value: LUNA }, returnAll: true }),
			check({ output, sent }) {
				assert.deepEqual(requestLines(sent('fanvue').slice(1)), [`GET /creators/${LUNA}/chats`]);
				assert.deepEqual(
					output(SEND).map((chat) => [chat.user.handle, chat.creatorUuid]),
					[
						['grace', LUNA],
						['zoe', LUNA],
						['adam', LUNA],
					],
				);
			},
		},
	],

	browser: {
		// The follow-up's text.
		example: { node: SEND, edit: { field: 'text', text: 'Edited in the editor: see you soon' } },
		search: 'Fanvue',
		action: 'Send a message',
		parameters: ['creator', 'fan', 'text'],
		credentialParameters: fanvueScenario.browser.credentialParameters,
		credentialTexts: fanvueScenario.browser.credentialTexts,
		async inspect({ page, ndv, byTestId }) {
			// Media, price and template are options of the send.
			await byTestId(ndv, 'collection-parameter-add')
				.or(ndv.getByPlaceholder(/^Add Option$/i))
				.first()
				.click();
			for (const option of ['Media UUIDs', 'Price (Cents)', 'Template UUID']) {
				await page.getByText(option, { exact: true }).last().waitFor();
			}
			await page.keyboard.press('Escape');
		},
	},
};

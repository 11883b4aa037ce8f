// Recoup in a real n8n: the example workflow against RecoupFake, and its bad-input error.
import assert from 'node:assert/strict';

import { loadExample, withInput } from '../lib/workflows.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const example = loadExample('recoup-create-chat.json');
const NODE = 'Create Recoup chat';

export default {
	id: 'recoup',
	node: 'recoup',
	credentialTypes: ['chatProvidersRecoupApi'],

	async startFakes(fakes) {
		const { RecoupFake } = fakes.load('recoup');
		return { recoup: await new RecoupFake().start() };
	},

	credentials: ({ recoup }) => [
		{
			name: 'Recoup account',
			type: 'chatProvidersRecoupApi',
			data: { apiKey: recoup.apiKey, baseUrl: recoup.baseUrl },
		},
	],

	secrets: ({ recoup }) => [recoup.apiKey],

	/** n8n's credential dialog on Save: GET /api/accounts/id with the key. */
	credentialTests: ({ recoup }) => [
		{
			name: "the account's API key",
			data: { apiKey: recoup.apiKey, baseUrl: `${recoup.baseUrl}/` },
			status: 'OK',
			message: 'Connection successful!',
			requests: 1,
		},
		{
			name: 'a wrong API key, which Recoup answers 401',
			data: { apiKey: 'recoup_sk_wrong_key_123', baseUrl: recoup.baseUrl },
			secrets: ['recoup_sk_wrong_key_123'],
			status: 'Error',
			message:
				'Recoup did not accept this API key. Copy it again from Recoup (it may be mistyped, revoked or expired), and check Base URL.',
			requests: 1,
		},
	],

	/** The first workflow is the example itself; the dev demo imports that one. */
	workflows: [
		{
			name: 'creates a chat about the artist with the example input',
			workflow: example,
			check({ output, sent, fakes: { recoup } }) {
				const [request, ...more] = sent('recoup');
				assert.equal(more.length, 0, 'one request');
				assert.equal(request.method, 'POST');
				assert.equal(request.path, '/api/chats');
				assert.equal(request.headers['x-api-key'], recoup.apiKey);
				assert.equal(request.headers.authorization, undefined);
				assert.match(String(request.headers['content-type']), /^application\/json/);
				assert.match(request.body.chatId, UUID);
				assert.deepEqual(request.body, {
					chatId: request.body.chatId,
					artistId: 'a1a1a1a1-0000-4000-8000-000000000001',
					topic: 'Pulse Feb 2: single release plan',
					firstMessage:
						'Draft a two-week release plan for the new single, with TikTok and playlist pitching dates.',
				});

				const [chat, ...others] = output(NODE);
				assert.equal(others.length, 0, 'one output item');
				assert.deepEqual(chat, {
					id: request.body.chatId,
					title: 'Pulse Feb 2: single release plan',
					accountId: recoup.accountId,
					artistId: 'a1a1a1a1-0000-4000-8000-000000000001',
					sessionId: chat.sessionId,
					updatedAt: chat.updatedAt,
				});
				assert.match(chat.sessionId, UUID);
			},
		},
		{
			name: 'an artist ID that is not a UUID ends in the node error, nothing sent',
			workflow: withInput(example, 'artistId', 'nova-lane'),
			error: 'Artist must be a UUID, but got "nova-lane" [item 0]',
			check({ sent }) {
				assert.deepEqual(sent('recoup'), []);
			},
		},
	],

	browser: {
		example: { node: NODE, edit: { field: 'topic', text: 'Edited in the editor: release plan' } },
		search: 'Recoup',
		action: 'Create a chat',
		parameters: ['artist', 'topic'],
		credentialParameters: ['apiKey', 'baseUrl'],
	},
};

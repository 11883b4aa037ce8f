// Recoup in a real n8n: the example workflow against RecoupFake, its bad-input error, and each
// operation on existing chats (Get Many, Get Messages, Update Topic, Delete) on chats seeded there.
import assert from 'node:assert/strict';

import { loadExample, withInput, withParameters } from '../lib/workflows.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const example = loadExample('recoup-create-chat.json');
const NODE = 'Create Recoup chat';
const ARTIST = 'a1a1a1a1-0000-4000-8000-000000000001';
const TOUR_CHAT = '0c0c0c0c-e2e0-4000-8000-000000000001';
const PRESS_CHAT = '0c0c0c0c-e2e0-4000-8000-000000000002';

/** The example with its Recoup node running another operation on the seeded chats. */
const operation = (parameters) =>
	withParameters(example, NODE, { resource: 'chat', options: {}, ...parameters });

export default {
	id: 'recoup',
	node: 'recoup',
	credentialTypes: ['chatProvidersRecoupApi'],

	async startFakes(fakes) {
		const { RecoupFake } = fakes.load('recoup');
		const recoup = await new RecoupFake().start();
		recoup.addChat(
			{ id: TOUR_CHAT, artist_id: ARTIST, topic: 'Tour plan', updated_at: '2026-01-02T00:00:00Z' },
			['Plan the spring tour', 'Here is a plan'],
		);
		recoup.addChat({ id: PRESS_CHAT, topic: 'Press kit', updated_at: '2026-01-03T00:00:00Z' }, [
			'Draft a press kit',
		]);
		return { recoup };
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
		{
			name: "Get Many lists the artist's chats (artist_account_id), one item per chat",
			workflow: operation({
				operation: 'getAll',
				artist: { __rl: true, mode: 'id', value: '={{ $json.artistId }}' },
				returnAll: true,
			}),
			check({ output, sent }) {
				const [request, ...more] = sent('recoup');
				assert.equal(more.length, 0, 'one request');
				assert.equal(request.method, 'GET');
				assert.deepEqual(request.query, { artist_account_id: ARTIST });
				assert.deepEqual(
					output(NODE).map((chat) => [chat.id, chat.title]),
					[[TOUR_CHAT, 'Tour plan']],
				);
			},
		},
		{
			name: 'Get Many keeps Limit chats, newest first',
			workflow: operation({
				operation: 'getAll',
				artist: { __rl: true, mode: 'list', value: '' },
				returnAll: false,
				limit: 1,
			}),
			check({ output }) {
				assert.deepEqual(
					output(NODE).map((chat) => chat.id),
					[PRESS_CHAT],
				);
			},
		},
		{
			name: 'Get Messages gives the messages of a chat, oldest first',
			workflow: operation({ operation: 'getMessages', chatId: TOUR_CHAT, returnAll: true }),
			check({ output, sent }) {
				assert.equal(sent('recoup')[0].path, `/api/chats/${TOUR_CHAT}/messages`);
				assert.deepEqual(
					output(NODE).map((message) => [message.role, message.text]),
					[
						['user', 'Plan the spring tour'],
						['assistant', 'Here is a plan'],
					],
				);
			},
		},
		{
			name: 'Update Topic renames a chat',
			workflow: operation({ operation: 'updateTopic', chatId: TOUR_CHAT, topic: 'Spring tour' }),
			check({ output, sent, fakes: { recoup } }) {
				const [request] = sent('recoup');
				assert.equal(request.method, 'PATCH');
				assert.deepEqual(request.body, { chatId: TOUR_CHAT, topic: 'Spring tour' });
				assert.equal(output(NODE)[0].title, 'Spring tour');
				assert.equal(recoup.chats.get(TOUR_CHAT).topic, 'Spring tour');
			},
		},
		{
			name: 'Update Topic refuses a 2-character topic, nothing sent',
			workflow: operation({ operation: 'updateTopic', chatId: TOUR_CHAT, topic: '={{ "ab" }}' }),
			error: 'Topic must be 3 to 50 characters long, but has 2 [item 0]',
			check({ sent }) {
				assert.deepEqual(sent('recoup'), []);
			},
		},
		{
			name: 'Delete deletes a chat (DELETE with its ID in the body)',
			workflow: operation({ operation: 'delete', chatId: PRESS_CHAT }),
			check({ output, sent, fakes: { recoup } }) {
				const [request] = sent('recoup');
				assert.equal(request.method, 'DELETE');
				assert.deepEqual(request.body, { id: PRESS_CHAT });
				assert.deepEqual(output(NODE)[0], {
					id: PRESS_CHAT,
					deleted: true,
					alreadyDeleted: false,
					message: 'Chat deleted successfully',
				});
				assert.equal(recoup.chats.has(PRESS_CHAT), false);
			},
		},
		{
			name: 'Delete again finds it gone (404): deleted, alreadyDeleted, not an error',
			workflow: operation({ operation: 'delete', chatId: PRESS_CHAT }),
			check({ output, sent }) {
				assert.equal(sent('recoup').length, 1);
				assert.deepEqual(output(NODE)[0], {
					id: PRESS_CHAT,
					deleted: true,
					alreadyDeleted: true,
					message: 'Recoup has no chat with this ID: it was already deleted, or never existed.',
				});
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

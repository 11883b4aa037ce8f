// Recoup in a real n8n, the conversation going on: the two-step example (open a chat, then rename
// it) against its own RecoupFake. The other new operations run in recoup.mjs.
import assert from 'node:assert/strict';

import { loadExample, withInput } from '../lib/workflows.mjs';

const example = loadExample('recoup-open-and-rename-chat.json');

export default {
	id: 'recoup-conversation',
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

	workflows: [
		{
			name: 'opens a chat and renames it with the ID from the first step',
			workflow: example,
			check({ output, sent, fakes: { recoup } }) {
				const [create, rename, ...more] = sent('recoup');
				assert.equal(more.length, 0, 'two requests');
				assert.equal(create.method, 'POST');
				assert.equal(rename.method, 'PATCH');
				assert.equal(rename.path, '/api/chats');
				assert.deepEqual(rename.body, {
					chatId: create.body.chatId,
					topic: 'Spring tour 2026: ten cities',
				});
				const [chat, ...others] = output('Rename Recoup chat');
				assert.equal(others.length, 0, 'one output item');
				assert.equal(chat.id, create.body.chatId);
				assert.equal(chat.title, 'Spring tour 2026: ten cities');
				assert.equal(recoup.chats.get(chat.id)?.topic, 'Spring tour 2026: ten cities');
			},
		},
		{
			name: 'a topic of 51 characters ends in the node error, the rename not sent',
			workflow: withInput(example, 'finalTopic', 'x'.repeat(51)),
			error: 'Topic must be 3 to 50 characters long, but has 51 [item 0]',
			check({ sent }) {
				assert.deepEqual(
					sent('recoup').map((request) => request.method),
					['POST'],
				);
			},
		},
	],

	browser: {
		example: {
			node: 'Rename Recoup chat',
			edit: { field: 'topic', text: 'Renamed in the editor' },
		},
		search: 'Recoup',
		action: 'Update the topic of a chat',
		parameters: ['chatId', 'topic'],
		credentialParameters: ['apiKey', 'baseUrl'],
	},
};

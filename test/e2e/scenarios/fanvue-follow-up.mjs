// Fanvue's conversation going on in a real n8n: the follow-up example (Create Chat, then
// Message > Send), a send as an agency creator, and Chat > Get Many with Return All.
import assert from 'node:assert/strict';

import { loadExample, withParameters } from '../lib/workflows.mjs';
import fanvueScenario from './fanvue.mjs';

const example = loadExample('fanvue-follow-up.json');
const SEND = 'Follow up';
const ADA = 'f0000000-0000-4000-8000-000000000001';
const LUNA = 'c0c0c0c0-0000-4000-8000-000000000001';

export default {
	...fanvueScenario,
	id: 'fanvue-follow-up',
	browser: undefined,
	workflows: [
		{
			name: 'opens the chat, then sends the follow-up once',
			workflow: example,
			check({ output, fakes: { fanvue } }) {
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
				fan: { __rl: true, mode: 'id', value: 'f0000000-0000-4000-8000-000000000002' },
			}),
			check({ fakes: { fanvue } }) {
				assert.equal(fanvue.messages.at(-1).chat, `${LUNA}/f0000000-0000-4000-8000-000000000002`);
			},
		},
		{
			name: 'Chat > Get Many with Return All: one item per chat',
			workflow: withParameters(example, SEND, {
				resource: 'chat',
				operation: 'getMany',
				returnAll: true,
				fan: undefined,
				text: undefined,
			}),
			check({ output }) {
				assert.equal(output(SEND).length, 3);
				assert.equal(output(SEND)[0].user.uuid, ADA);
			},
		},
	],
};

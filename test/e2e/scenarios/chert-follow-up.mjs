// Chert's follow-up example in a real n8n: opened and edited in the editor, run against ChertFake.
// A scenario of its own because the runner opens the first workflow of each scenario as its example.
import { loadExample } from '../lib/workflows.mjs';
import { checkFollowUp, chertCredentials, startChertFake } from './chert.mjs';

export default {
	id: 'chertFollowUp',
	node: 'chert',
	credentialTypes: ['chatProvidersChertApi'],
	startFakes: startChertFake,
	credentials: chertCredentials,
	secrets: ({ chert }) => [chert.singleTenant.signingSecret],

	workflows: [
		{
			name: 'opens the chat, then follows up in it',
			workflow: loadExample('chert-follow-up.json'),
			check: checkFollowUp,
		},
	],

	browser: {
		// The follow-up's text.
		example: {
			node: 'Follow up',
			edit: {
				field: 'text',
				parameter: 'parts',
				text: 'Edited in the editor: https://example.com',
			},
		},
		search: 'Chert',
		action: 'Send a message',
		parameters: ['chatId'],
		labels: ['Chat ID', 'Message Parts', 'Add Part'],
		credentialParameters: ['signingSecret', 'baseUrl', 'authMethod'],
	},
};

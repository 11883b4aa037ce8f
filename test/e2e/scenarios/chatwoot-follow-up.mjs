// Chatwoot's follow-up example in a real n8n: opened and edited in the editor, run against
// ChatwootFake. A scenario of its own because the runner opens the first workflow of each scenario
// as its example.
import { loadExample } from '../lib/workflows.mjs';
import { chatwootCredentials, checkFollowUp, startChatwootFake } from './chatwoot.mjs';

export default {
	id: 'chatwootFollowUp',
	node: 'chatwoot',
	credentialTypes: ['chatProvidersChatwootApi'],
	startFakes: startChatwootFake,
	credentials: chatwootCredentials,
	secrets: () => ['inboxApiSecret123'],

	workflows: [
		{
			name: 'opens the conversation, then posts the form details into it',
			workflow: loadExample('chatwoot-follow-up.json'),
			check: checkFollowUp,
		},
	],

	browser: {
		example: {
			node: "Add the form's details",
			edit: { field: 'content', text: 'Edited in the editor: Friday works too.' },
		},
		search: 'Chatwoot',
		action: 'Send a message',
		parameters: ['contactIdentifier', 'conversationId', 'content'],
		credentialParameters: ['baseUrl', 'inboxSecret', 'contactIdentifier', 'hmacToken'],
	},
};

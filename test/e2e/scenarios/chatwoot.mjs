// Chatwoot in a real n8n: the example workflow against ChatwootFake, and its bad-input error.
import assert from 'node:assert/strict';

import { loadExample, withInput } from '../lib/workflows.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INBOX = 'inboxApiSecret123';
const example = loadExample('chatwoot-create-conversation.json');
const NODE = 'Open Chatwoot conversation';
const MESSAGE = "Hi! We'd like a demo for a team of 12. Is Thursday afternoon possible?";
const NO_API_INBOX =
	'No API-channel inbox with this Inbox Identifier at this Base URL. Check the Base URL, and copy the identifier from Settings → Inboxes → your API inbox → Configuration; website, email or WhatsApp inboxes do not serve this API.';

export default {
	id: 'chatwoot',
	node: 'chatwoot',
	credentialTypes: ['chatProvidersChatwootApi'],

	async startFakes(fakes) {
		const { ChatwootFake } = fakes.load('chatwoot');
		return { chatwoot: await new ChatwootFake().start() };
	},

	credentials: ({ chatwoot }) => [
		{
			name: 'Chatwoot account',
			type: 'chatProvidersChatwootApi',
			data: { baseUrl: chatwoot.baseUrl, inboxSecret: INBOX, contactIdentifier: '', hmacToken: '' },
		},
	],

	secrets: () => [INBOX],

	/** n8n's credential dialog on Save: GET the inbox; only an API-channel inbox answers it. */
	credentialTests: ({ chatwoot }) => {
		const data = (baseUrl, inboxSecret) => ({
			baseUrl,
			inboxSecret,
			contactIdentifier: '',
			hmacToken: '',
		});
		return [
			{
				name: 'an API inbox (Base URL with a sub-path and a trailing slash)',
				data: data(`${chatwoot.baseUrl}/chatwoot/`, INBOX),
				status: 'OK',
				message: 'Connection successful!',
				requests: 1,
			},
			{
				name: 'a website inbox, which answers 404',
				data: data(chatwoot.baseUrl, 'websiteWidgetToken'),
				secrets: ['websiteWidgetToken'],
				status: 'Error',
				message: NO_API_INBOX,
				requests: 1,
			},
			{
				name: 'an unknown inbox identifier',
				data: data(chatwoot.baseUrl, 'notAnInbox999'),
				secrets: ['notAnInbox999'],
				status: 'Error',
				message: NO_API_INBOX,
				requests: 1,
			},
			{
				name: 'a Base URL where nothing listens',
				data: data('http://127.0.0.1:9', INBOX),
				status: 'Error',
				message: 'The service refused the connection - perhaps it is offline',
			},
		];
	},

	/** The first workflow is the example itself; the dev demo imports that one. */
	workflows: [
		{
			name: 'creates the contact, the conversation and its first message',
			workflow: example,
			check({ output, sent }) {
				const requests = sent('chatwoot');
				const inbox = `/public/api/v1/inboxes/${INBOX}`;
				assert.deepEqual(
					requests.map((request) => request.method),
					['POST', 'POST', 'POST'],
				);
				const [contact, conversation, message] = requests;
				assert.equal(contact.path, `${inbox}/contacts`);
				assert.match(contact.body.source_id, UUID);
				assert.deepEqual(contact.body, {
					name: 'Grace Hopper',
					email: 'grace@example.com',
					phone_number: '+14155551234',
					source_id: contact.body.source_id,
				});
				const conversations = `${inbox}/contacts/${contact.body.source_id}/conversations`;
				assert.equal(conversation.path, conversations);
				assert.deepEqual(conversation.body, {
					custom_attributes: { plan: 'pro', source: 'website form' },
				});
				assert.equal(message.path, `${conversations}/1/messages`);
				assert.deepEqual(message.body, { content: MESSAGE, echo_id: message.body.echo_id });
				assert.match(message.body.echo_id, UUID);
				for (const request of requests) {
					assert.match(String(request.headers['content-type']), /^application\/json/);
				}

				const [result, ...others] = output(NODE);
				assert.equal(others.length, 0, 'one output item');
				assert.equal(result.id, 1);
				assert.equal(result.status, 'open');
				assert.equal(result.contactIdentifier, contact.body.source_id);
				assert.equal(result.firstMessage.sent, true);
				assert.equal(result.firstMessage.message.content, MESSAGE);
			},
		},
		{
			name: 'an email that is not an email address ends in the node error, nothing sent',
			workflow: withInput(example, 'email', 'grace-at-example'),
			error: 'Email must be an email address, but got "grace-at-example" [item 0]',
			check({ sent }) {
				assert.deepEqual(sent('chatwoot'), []);
			},
		},
	],

	browser: {
		example: {
			node: NODE,
			edit: { field: 'firstMessage', text: 'Edited in the editor: Thursday?' },
		},
		search: 'Chatwoot',
		action: 'Create a conversation',
		parameters: ['contactSource', 'contactIdentifier', 'firstMessage'],
		labels: ['Custom Attributes'],
		credentialParameters: ['baseUrl', 'inboxSecret', 'contactIdentifier', 'hmacToken'],
		async inspect({ page, ndv, byTestId }) {
			// The contact modes: "Create Contact" shows the new contact's fields.
			await byTestId(ndv, 'parameter-input-contactSource').first().click();
			await page.getByText('Create Contact', { exact: true }).last().click();
			await byTestId(ndv, 'parameter-input-contactEmail').first().waitFor({ state: 'visible' });
			await byTestId(ndv, 'parameter-input-contactName').first().waitFor({ state: 'visible' });
		},
	},
};

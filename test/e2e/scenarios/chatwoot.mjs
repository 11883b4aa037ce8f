// Chatwoot in a real n8n: the example workflow against ChatwootFake, its bad-input error, and the
// conversation going on (Message → Send, Conversation → Get Many and Resolve, Contact → Create,
// Get and Update). The follow-up example has a scenario of its own (chatwoot-follow-up.mjs).
import assert from 'node:assert/strict';

import { loadExample, withInput, withParameters } from '../lib/workflows.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INBOX = 'inboxApiSecret123';
const example = loadExample('chatwoot-create-conversation.json');
const followUpExample = loadExample('chatwoot-follow-up.json');
const NODE = 'Open Chatwoot conversation';
const FOLLOW_UP = "Add the form's details";
const DETAILS = 'Preferred time: Thursday afternoon. Timezone: Europe/Berlin.';
const CREDENTIAL = {
	chatProvidersChatwootApi: { id: 'REPLACE_WITH_YOUR_CREDENTIAL_ID', name: 'Chatwoot account' },
};
const MESSAGE = "Hi! We'd like a demo for a team of 12. Is Thursday afternoon possible?";
const NO_API_INBOX =
	'No API-channel inbox with this Inbox Identifier at this Base URL. Check the Base URL, and copy the identifier from Settings → Inboxes → your API inbox → Configuration; website, email or WhatsApp inboxes do not serve this API.';

/** The follow-up example's run: the contact, the conversation with its first message, then the
 * form's details as a second message from the contact into the same conversation. */
export function checkFollowUp({ output, sent, fakes: { chatwoot } }) {
	const requests = sent('chatwoot');
	assert.deepEqual(
		requests.map((request) => request.method),
		['POST', 'POST', 'POST', 'POST'],
	);
	const [contact, conversation, first, followUp] = requests;
	const conversations = `/public/api/v1/inboxes/${INBOX}/contacts/${contact.body.source_id}/conversations`;
	assert.equal(conversation.path, conversations);
	const [opened] = output(NODE);
	assert.equal(first.path, `${conversations}/${opened.id}/messages`);
	assert.equal(followUp.path, `${conversations}/${opened.id}/messages`);
	assert.deepEqual(followUp.body, { content: DETAILS, echo_id: followUp.body.echo_id });
	assert.match(followUp.body.echo_id, UUID);
	assert.notEqual(followUp.body.echo_id, first.body.echo_id);
	const [sentMessage, ...others] = output(FOLLOW_UP);
	assert.equal(others.length, 0, 'one output item');
	assert.equal(sentMessage.content, DETAILS);
	assert.equal(sentMessage.conversation_id, opened.id);
	assert.equal(sentMessage.contactIdentifier, contact.body.source_id);
	assert.equal(sentMessage.echoId, followUp.body.echo_id);
	assert.deepEqual(
		chatwoot.conversations.find((c) => c.id === opened.id)?.messages.map((m) => m.content),
		[first.body.content, DETAILS],
	);
}

export async function startChatwootFake(fakes) {
	const { ChatwootFake } = fakes.load('chatwoot');
	return { chatwoot: await new ChatwootFake().start() };
}

export const chatwootCredentials = ({ chatwoot }) => [
	{
		name: 'Chatwoot account',
		type: 'chatProvidersChatwootApi',
		data: { baseUrl: chatwoot.baseUrl, inboxSecret: INBOX, contactIdentifier: '', hmacToken: '' },
	},
];

/** The follow-up example with its second node doing another operation on the new conversation. */
const afterOpening = (parameters) =>
	withParameters(followUpExample, FOLLOW_UP, {
		contactIdentifier: '={{ $json.contactIdentifier }}',
		...parameters,
	});

/** Manual Trigger, then the Chatwoot nodes one after another. */
function chain(name, steps) {
	const nodes = [
		{
			parameters: {},
			id: 'e2e-chatwoot-trigger',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
		},
		...steps.map(([stepName, parameters], index) => ({
			parameters: { ...parameters, options: {} },
			id: `e2e-chatwoot-step-${index + 1}`,
			name: stepName,
			type: 'n8n-nodes-chat-providers.chatwoot',
			typeVersion: 1,
			position: [220 * (index + 1), 0],
			credentials: CREDENTIAL,
		})),
	];
	const connections = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

const contactWorkflow = chain('Chatwoot e2e: create, read and update a contact', [
	[
		'Create contact',
		{
			resource: 'contact',
			operation: 'create',
			name: 'Ada Lovelace',
			email: 'ada@example.com',
			phoneNumber: '+44 20 7946 0018',
			externalIdentifier: 'crm-ada',
		},
	],
	[
		'Get contact',
		{ resource: 'contact', operation: 'get', contactIdentifier: '={{ $json.contactIdentifier }}' },
	],
	[
		'Update contact',
		{
			resource: 'contact',
			operation: 'update',
			contactIdentifier: '={{ $json.contactIdentifier }}',
			name: 'Ada King',
		},
	],
]);

export default {
	id: 'chatwoot',
	node: 'chatwoot',
	credentialTypes: ['chatProvidersChatwootApi'],

	startFakes: startChatwootFake,
	credentials: chatwootCredentials,

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
		{
			name: 'Message → Send posts into the conversation just opened, as the contact',
			workflow: followUpExample,
			check: checkFollowUp,
		},
		{
			name: 'Message → Send with the conversation uuid ends in the node error, the message not sent',
			workflow: withParameters(followUpExample, FOLLOW_UP, { conversationId: '={{ $json.uuid }}' }),
			error: 'Conversation ID must be a number, but got',
			check({ sent }) {
				assert.deepEqual(
					sent('chatwoot').map((request) => request.path.split('/').pop()),
					['contacts', 'conversations', 'messages'],
				);
			},
		},
		{
			name: 'Conversation → Get Many lists the contact’s conversation, one item each',
			workflow: afterOpening({ resource: 'conversation', operation: 'getAll', returnAll: true }),
			check({ output, sent }) {
				const requests = sent('chatwoot');
				const list = requests.at(-1);
				assert.equal(list.method, 'GET');
				assert.equal(list.path, `${requests[1].path}`);
				const conversations = output(FOLLOW_UP);
				assert.equal(conversations.length, 1);
				const [opened] = output('Open Chatwoot conversation');
				assert.equal(conversations[0].id, opened.id);
				assert.equal(conversations[0].contactIdentifier, opened.contactIdentifier);
			},
		},
		{
			name: 'Conversation → Get Many with a Limit of 0.5 ends in the node error, nothing listed',
			workflow: afterOpening({ resource: 'conversation', operation: 'getAll', limit: 0.5 }),
			error: 'Limit must be a whole number of at least 1, but got "0.5" [item 0]',
			check({ sent }) {
				assert.equal(sent('chatwoot').filter((request) => request.method === 'GET').length, 0);
			},
		},
		{
			name: 'Conversation → Resolve marks the new conversation resolved',
			workflow: afterOpening({
				resource: 'conversation',
				operation: 'resolve',
				conversationId: '={{ $json.id }}',
			}),
			check({ output, sent, fakes: { chatwoot } }) {
				const resolve = sent('chatwoot').at(-1);
				assert.equal(resolve.method, 'POST');
				assert.match(resolve.path, /\/conversations\/\d+\/toggle_status$/);
				const [resolved] = output(FOLLOW_UP);
				assert.equal(resolved.status, 'resolved');
				assert.equal(chatwoot.conversations.find((c) => c.id === resolved.id)?.status, 'resolved');
			},
		},
		{
			name: 'Contact → Create, Get and Update: one contact, its source_id carried along',
			workflow: contactWorkflow,
			check({ output, sent, fakes: { chatwoot } }) {
				const [create, get, update, ...more] = sent('chatwoot');
				assert.equal(more.length, 0, 'three requests');
				assert.equal(create.method, 'POST');
				assert.match(create.body.source_id, UUID);
				assert.deepEqual(create.body, {
					name: 'Ada Lovelace',
					email: 'ada@example.com',
					phone_number: '+442079460018',
					identifier: 'crm-ada',
					source_id: create.body.source_id,
				});
				const contactPath = `/public/api/v1/inboxes/${INBOX}/contacts/${create.body.source_id}`;
				assert.equal(`${get.method} ${get.path}`, `GET ${contactPath}`);
				assert.equal(`${update.method} ${update.path}`, `PATCH ${contactPath}`);
				assert.deepEqual(update.body, { name: 'Ada King' });
				const [updated] = output('Update contact');
				assert.equal(updated.contactIdentifier, create.body.source_id);
				assert.equal(output('Get contact')[0].name, 'Ada Lovelace');
				const contact = chatwoot.contacts.find((c) => c.email === 'ada@example.com');
				assert.equal(contact?.name, 'Ada King');
			},
		},
		{
			name: 'Contact → Update with nothing to change ends in the node error, nothing sent',
			workflow: withParameters(contactWorkflow, 'Update contact', { name: '' }),
			error: 'The contact has nothing to update [item 0]',
			check({ sent }) {
				assert.deepEqual(
					sent('chatwoot').map((request) => request.method),
					['POST', 'GET'],
				);
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

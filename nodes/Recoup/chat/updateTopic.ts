import { recoup } from '../transport';
import { chatAnswer, chatIdField, toChat } from './fields';

// Recoup's own limits (PATCH /api/chats): checked here so a wrong topic costs no request.
const MIN_TOPIC = 3;
const MAX_TOPIC = 50;

export const updateTopic = recoup.operation({
	value: 'updateTopic',
	name: 'Update Topic',
	description: 'Rename a chat: set its topic (3 to 50 characters)',
	action: 'Update the topic of a chat',
	properties: [
		chatIdField,
		{
			displayName: 'Topic',
			name: 'topic',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Tour plan: spring',
			description:
				'The new name of the chat, 3 to 50 characters, sent exactly as typed (spaces count)',
		},
	],

	async execute(item, client) {
		const chatId = item.read.requiredUuid(item.param('chatId'), 'Chat ID');
		const topic = item.read.freeText(item.param('topic'), 'Topic');
		if (topic.length < MIN_TOPIC || topic.length > MAX_TOPIC) {
			throw item.invalid(
				'Topic',
				`must be ${MIN_TOPIC} to ${MAX_TOPIC} characters long, but has ${topic.length}`,
				'Recoup refuses other lengths. Shorten it with an expression such as {{ $json.topic.slice(0, 50) }}.',
			);
		}
		// Idempotent: setting the same topic again leaves the chat as the first request did.
		const answer = await client.patch(
			'/api/chats',
			{ chatId, topic },
			{ idempotent: true, call: 'existing chat', expect: chatAnswer },
		);
		return toChat(answer.body);
	},
});

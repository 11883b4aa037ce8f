import { recoup } from '../transport';
import { create } from './create';
import { deleteChat } from './delete';
import { getMany } from './get-many';
import { getMessages } from './get-messages';
import { updateTopic } from './update-topic';

export const chat = recoup.resource('chat', 'Chat', [
	create,
	deleteChat,
	getMany,
	getMessages,
	updateTopic,
]);

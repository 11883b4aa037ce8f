import { recoup } from '../transport';
import { create } from './create';
import { deleteChat } from './delete';
import { getMany } from './getMany';
import { getMessages } from './getMessages';
import { updateTopic } from './updateTopic';

export const chat = recoup.resource('chat', 'Chat', [
	create,
	deleteChat,
	getMany,
	getMessages,
	updateTopic,
]);

import { chatwoot } from '../transport';
import { create } from './create';
import { getMany } from './getMany';
import { resolve } from './resolve';

export const conversation = chatwoot.resource('conversation', 'Conversation', [
	create,
	getMany,
	resolve,
]);

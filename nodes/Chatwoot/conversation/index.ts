import { chatwoot } from '../transport';
import { create } from './create';

export const conversation = chatwoot.resource('conversation', 'Conversation', [create]);

import { chert } from '../transport';
import { create } from './create';

export const chat = chert.resource('chat', 'Chat', [create]);

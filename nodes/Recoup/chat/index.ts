import { recoup } from '../transport';
import { create } from './create';

export const chat = recoup.resource('chat', 'Chat', [create]);

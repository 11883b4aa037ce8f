import { fanvue } from '../transport';
import { create } from './create';

export const chat = fanvue.resource('chat', 'Chat', [create]);

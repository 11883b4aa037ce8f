import { fanvue } from '../transport';
import { create } from './create';
import { getMany } from './getMany';

export const chat = fanvue.resource('chat', 'Chat', [create, getMany]);

import { chert } from '../transport';
import { getMany } from './getMany';
import { send } from './send';

export const message = chert.resource('message', 'Message', [send, getMany]);

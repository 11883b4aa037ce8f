import { fanvue } from '../transport';
import { send } from './send';

export const message = fanvue.resource('message', 'Message', [send]);

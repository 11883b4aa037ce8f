import { chatwoot } from '../transport';
import { send } from './send';

export const message = chatwoot.resource('message', 'Message', [send]);

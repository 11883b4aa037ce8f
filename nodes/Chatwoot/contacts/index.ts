import { chatwoot } from '../transport';
import { create } from './create';
import { get } from './get';
import { update } from './update';

export const contact = chatwoot.resource('contact', 'Contact', [create, get, update]);

import type { IDataObject } from 'n8n-workflow';

import { checkParts, messagePartsProperty, partEntries, toChertParts } from '../parts';
import { chert } from '../transport';

const E164_REGEX = '^\\+[1-9]\\d{6,14}$';
const MAX_RECIPIENTS = 31;

const E164_HINT = 'E.164: a plus sign, the country code and the number, such as +14155551234';

/** The recipients from the list, an expression's list, or comma-separated text. */
function readRecipients(value: unknown): unknown[] {
	if (Array.isArray(value)) return value.flatMap(readRecipients);
	return value === undefined || value === null ? [] : [value];
}

export const create = chert.operation({
	value: 'create',
	name: 'Create',
	description: 'Open a direct or group chat and send its first message',
	action: 'Create a chat',
	properties: [
		{
			displayName: 'From',
			name: 'from',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			description:
				"The sender: one of the Chert tenant's own phone numbers (From List shows them), in E.164 such as +15555550100",
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchPhoneNumbers', searchable: true },
				},
				{
					displayName: 'Number',
					name: 'number',
					type: 'string',
					placeholder: 'e.g. +15555550100',
					validation: [
						{
							type: 'regex',
							properties: {
								regex: E164_REGEX,
								errorMessage: 'Use an E.164 number, such as +15555550100',
							},
						},
					],
				},
			],
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. +14155551234, +14155559876',
			description: `The phone numbers of the people to text, separated by commas (${E164_HINT}). One number opens a direct chat; 2 to 31 open a group chat. Must not include the From number. An expression may also give a list.`,
			displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
		// Version 1 kept To as a list of boxes; workflows saved with it still open and run as they were.
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Recipient' },
			required: true,
			default: [],
			placeholder: 'e.g. +14155551234',
			description: `The phone numbers of the people to text (${E164_HINT}). One opens a direct chat; 2 to 31 open a group chat. Must not include the From number. An expression may give a list or comma-separated numbers.`,
			displayOptions: { show: { '@version': [1] } },
		},
		{
			displayName: 'Group Subject',
			name: 'subject',
			type: 'string',
			default: '',
			placeholder: 'e.g. Launch follow-up',
			description:
				'The name shown for a group chat (2 or more recipients in To), sent as typed. Not sent for a direct chat.',
		},
		messagePartsProperty({
			description:
				'The first message, sent in this order. A group starts with one text part; links and files go in a direct chat.',
			text: 'The text to send, exactly as typed. No links here: Chert refuses a URL in the text of a first message, so add a Rich Link part instead.',
		}),
	],
	options: [
		{
			displayName: 'Idempotency Key',
			name: 'idempotencyKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. lead-{{ $json.leadId }}',
			description:
				'Chert sends one message per key. Empty: the node makes a key that stays the same for this execution (and its retries from the Executions list), node and item, so no retry sends a second message. Your own key must differ per item.',
		},
	],

	async execute(item, client) {
		const { read } = item;
		const from = read.e164(item.param('from'), 'From');
		// Numbers are compared in E.164, so "+1 (415) 555-1234" twice is one recipient, not a group.
		const numbers = read.list(readRecipients(item.param('to', [])), 'To');
		const to = [...new Set(numbers.map((number) => read.e164(number, 'To')))];
		if (to.length === 0) {
			throw item.invalid('To', 'is required', 'Add the E.164 number of the lead.');
		}
		if (to.includes(from)) {
			throw item.invalid(
				'To',
				`must not include the From number ${from}`,
				'To lists the people to text; From is the number the chat is sent from. Remove it from To.',
			);
		}
		if (to.length > MAX_RECIPIENTS) {
			throw item.invalid(
				'To',
				`must list 1 to ${MAX_RECIPIENTS} phone numbers, but it has ${to.length}`,
				'One number opens a direct chat; 2 to 31 open a group chat.',
			);
		}
		const subject = read.freeText(item.param('subject'), 'Group Subject');
		const parts = checkParts(
			item,
			partEntries(item.param('parts', {})),
			{ firstMessage: true, recipients: to.length },
			this.getInputData()[item.index]?.binary,
		);
		const idempotencyKey =
			read.text(item.option('idempotencyKey'), 'Idempotency Key') ||
			`n8n-${item.stableKey('chert-create-chat').slice(0, 48)}`;

		const message: IDataObject = {
			parts: await toChertParts(this, item, client, parts),
			idempotency_key: idempotencyKey,
		};
		if (to.length > 1 && subject) message.subject = subject;
		// Idempotent: Chert answers a repeated key and body with the original chat and message.
		const answer = await client.post(
			'/chats',
			{ from, to, message },
			{ idempotent: true, expect: chert.answerWith.fields("the created chat's ID", 'chat.id') },
		);
		const body = (answer.body ?? {}) as IDataObject;
		return { chat: body.chat ?? null, message: body.message ?? null };
	},
});

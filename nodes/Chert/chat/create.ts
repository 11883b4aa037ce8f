import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { stableItemKey } from '../../shared/idempotency';
import { runOptions, type RunSettings } from '../../shared/items';
import {
	invalidInput,
	parseList,
	readFreeText,
	readText,
	requireE164,
} from '../../shared/validate';
import { uploadMedia } from '../attachments';
import { checkParts, partEntries } from '../parts';
import { getChertConnection, sendChertJson } from '../transport';

const E164_REGEX = '^\\+[1-9]\\d{6,14}$';
const MAX_RECIPIENTS = 31;
const MAX_MEDIA_BYTES = 100 * 1024 * 1024;
const showFor = { show: { resource: ['chat'], operation: ['create'] } };

const E164_HINT = 'E.164: a plus sign, the country code and the number, such as +14155551234';

export const description: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description:
			"The sender: one of the Chert tenant's own phone numbers (From List shows them), in E.164 such as +15555550100",
		displayOptions: showFor,
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
		displayOptions: { show: { ...showFor.show, '@version': [{ _cnd: { gte: 1.1 } }] } },
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
		displayOptions: { show: { ...showFor.show, '@version': [1] } },
	},
	{
		displayName: 'Group Subject',
		name: 'subject',
		type: 'string',
		default: '',
		placeholder: 'e.g. Launch follow-up',
		description:
			'The name shown for a group chat (2 or more recipients in To), sent as typed. Not sent for a direct chat.',
		displayOptions: showFor,
	},
	{
		displayName: 'Message Parts',
		name: 'parts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Part',
		default: { part: [{ type: 'text', text: '' }] },
		description:
			'The first message, sent in this order. A group starts with one text part; links and files go in a direct chat.',
		displayOptions: showFor,
		options: [
			{
				displayName: 'Part',
				name: 'part',
				values: [
					{
						displayName: 'Content',
						name: 'type',
						type: 'options',
						description: 'What this part of the message is',
						options: [
							{ name: 'Text', value: 'text' },
							{
								name: 'Rich Link',
								value: 'richLink',
								description: 'A link shown as a preview',
							},
							{
								name: 'Media',
								value: 'media',
								description: 'A file from the input item',
							},
						],
						default: 'text',
					},
					{
						displayName: 'Input Binary Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description:
							"The name of the input item's binary field that holds the file to send, as shown in the previous node's Binary tab",
						displayOptions: { show: { type: ['media'] } },
					},
					{
						displayName: 'Link',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/demo',
						description: 'The web page to show as a preview, starting with http:// or https://',
						displayOptions: { show: { type: ['richLink'] } },
					},
					{
						displayName: 'Link Preview',
						name: 'preview',
						type: 'collection',
						placeholder: 'Add Preview Field',
						default: {},
						description: 'Fields left out are read by Chert from the page',
						displayOptions: { show: { type: ['richLink'] } },
						options: [
							{
								displayName: 'Icon URL',
								name: 'iconUrl',
								type: 'string',
								default: '',
								description: 'The web address of a small icon for the preview',
							},
							{
								displayName: 'Image URL',
								name: 'imageUrl',
								type: 'string',
								default: '',
								description: 'The web address of the image shown in the preview',
							},
							{
								displayName: 'Summary',
								name: 'summary',
								type: 'string',
								default: '',
								description: 'The line of text shown under the title, sent as typed',
							},
							{
								displayName: 'Title',
								name: 'title',
								type: 'string',
								default: '',
								description: 'The title of the preview, sent as typed',
							},
						],
					},
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						typeOptions: { rows: 3 },
						default: '',
						description:
							'The text to send, exactly as typed. No links here: Chert refuses a URL in the text of a first message, so add a Rich Link part instead.',
						displayOptions: { show: { type: ['text'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor,
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
			...runOptions,
		],
	},
];

/** The recipients from the list, an expression's list, or comma-separated text. */
function readRecipients(value: unknown): unknown[] {
	if (Array.isArray(value)) return value.flatMap(readRecipients);
	return value === undefined || value === null ? [] : [value];
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: RunSettings,
): Promise<IDataObject> {
	const node = this.getNode();
	const at = (field: string) => ({ node, itemIndex, field });

	const from = requireE164(
		this.getNodeParameter('from', itemIndex, '', { extractValue: true }),
		at('From'),
	);
	// Numbers are compared in E.164, so "+1 (415) 555-1234" twice is one recipient, not a group.
	const numbers = parseList(readRecipients(this.getNodeParameter('to', itemIndex, [])), at('To'));
	const to = [...new Set(numbers.map((number) => requireE164(number, at('To'))))];
	if (to.length === 0) {
		throw invalidInput(node, itemIndex, 'To', 'is required', 'Add the E.164 number of the lead.');
	}
	if (to.includes(from)) {
		throw invalidInput(
			node,
			itemIndex,
			'To',
			`must not include the From number ${from}`,
			'To lists the people to text; From is the number the chat is sent from. Remove it from To.',
		);
	}
	if (to.length > MAX_RECIPIENTS) {
		throw invalidInput(
			node,
			itemIndex,
			'To',
			`must list 1 to ${MAX_RECIPIENTS} phone numbers, but it has ${to.length}`,
			'One number opens a direct chat; 2 to 31 open a group chat.',
		);
	}
	const subject = readFreeText(
		this.getNodeParameter('subject', itemIndex, ''),
		at('Group Subject'),
	);
	const parts = checkParts(
		node,
		itemIndex,
		partEntries(this.getNodeParameter('parts', itemIndex, {})),
		to.length,
		this.getInputData()[itemIndex]?.binary,
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const idempotencyKey =
		readText(options.idempotencyKey, at('Idempotency Key')) ||
		`n8n-${stableItemKey(this, itemIndex, 'chert-create-chat').slice(0, 48)}`;

	// Every file is read and checked before the first request, like the other fields.
	const files = new Map<number, Buffer>();
	for (const [index, part] of parts.entries()) {
		if (part.type !== 'media') continue;
		const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, part.binaryPropertyName);
		if (bytes.length > MAX_MEDIA_BYTES) {
			throw invalidInput(
				node,
				itemIndex,
				part.label,
				`is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, but Chert accepts files up to 100 MB`,
			);
		}
		files.set(index, bytes);
	}

	const connection = await getChertConnection(this);
	const messageParts: IDataObject[] = [];
	for (const [index, part] of parts.entries()) {
		if (part.type === 'media') {
			const attachmentId = await uploadMedia(
				this,
				connection,
				{
					fileName: part.fileName,
					mimeType: part.mimeType,
					bytes: files.get(index)!,
					label: part.label,
				},
				itemIndex,
				settings.maxWaitMs,
			);
			messageParts.push({ type: 'media', attachment_id: attachmentId });
		} else {
			messageParts.push({ ...part });
		}
	}

	const message: IDataObject = { parts: messageParts, idempotency_key: idempotencyKey };
	if (to.length > 1 && subject) message.subject = subject;
	const answer = await sendChertJson(
		this,
		connection,
		'POST',
		'/chats',
		{ from, to, message },
		{ itemIndex, maxWaitMs: settings.maxWaitMs },
	);
	const body = (answer.body ?? {}) as IDataObject;
	return { chat: body.chat ?? null, message: body.message ?? null };
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { stableItemKey } from '../../shared/idempotency';
import { runOptions, type RunSettings } from '../../shared/items';
import { invalidInput, parseList, readText, requireE164 } from '../../shared/validate';
import { uploadMedia } from '../attachments';
import { checkParts, partEntries } from '../parts';
import { getChertConnection, sendChertJson } from '../transport';

const E164_REGEX = '^\\+[1-9]\\d{6,14}$';
const MAX_RECIPIENTS = 31;
const MAX_MEDIA_BYTES = 100 * 1024 * 1024;
const showFor = { show: { resource: ['chat'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: "The team's number the chat is sent from",
		displayOptions: showFor,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchPhoneNumbers', searchable: true },
			},
			{
				displayName: 'By Number',
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
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Recipient' },
		required: true,
		default: [],
		placeholder: 'e.g. +14155551234',
		description:
			'E.164 phone numbers. One opens a direct chat; 2 to 31 open a group chat. An expression may give a list or comma-separated numbers.',
		displayOptions: showFor,
	},
	{
		displayName: 'Group Subject',
		name: 'subject',
		type: 'string',
		default: '',
		placeholder: 'e.g. Launch follow-up',
		description: 'Name of a group chat (2 or more recipients). Not sent for a direct chat.',
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
						hint: 'The name of the input binary field containing the file to send',
						displayOptions: { show: { type: ['media'] } },
					},
					{
						displayName: 'Link',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/demo',
						description: 'The URL to preview',
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
							},
							{
								displayName: 'Image URL',
								name: 'imageUrl',
								type: 'string',
								default: '',
							},
							{
								displayName: 'Summary',
								name: 'summary',
								type: 'string',
								default: '',
							},
							{
								displayName: 'Title',
								name: 'title',
								type: 'string',
								default: '',
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
							'No links here: Chert refuses a URL in the text of a first message. Add a Rich Link part instead.',
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
					"Chert sends one message per key. Empty: the node makes a key that stays the same for this execution, node and item, so n8n's Retry On Fail and the node's own retries send exactly one message. Your own key must differ per item.",
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
	const to = parseList(readRecipients(this.getNodeParameter('to', itemIndex, [])), at('To')).map(
		(number) => requireE164(number, at('To')),
	);
	if (to.length === 0) {
		throw invalidInput(node, itemIndex, 'To', 'is required', 'Add the E.164 number of the lead.');
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
	const subject = readText(this.getNodeParameter('subject', itemIndex, ''), at('Group Subject'));
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

import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Item } from '../shared';
import { uploadMedia } from './attachments';
import type { ChertClient } from './transport';

const MAX_PARTS = 10;
const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

/** A part as the user set it in the Message Parts list. */
export interface PartEntry {
	type?: string;
	text?: unknown;
	url?: unknown;
	preview?: { title?: unknown; summary?: unknown; imageUrl?: unknown; iconUrl?: unknown };
	binaryPropertyName?: unknown;
}

export type CheckedPart =
	| { type: 'text'; value: string }
	| {
			type: 'rich_link';
			url: string;
			title?: string;
			summary?: string;
			image_url?: string;
			icon_url?: string;
	  }
	| {
			type: 'media';
			binaryPropertyName: string;
			fileName: string;
			mimeType: string;
			label: string;
	  };

const TYPE_NAMES: Record<string, string> = { text: 'Text', richLink: 'Rich Link', media: 'Media' };

/** Which of Chert's rules apply: a chat's first message has more than a follow-up. */
export interface PartRules {
	/** The first message of a new chat: no URL in text (code 1005), and a group starts with text. */
	firstMessage: boolean;
	/** How many people the new chat is with; a group (2 or more) starts with text only. */
	recipients?: number;
}

// Chert refuses links in a first message's text; a bare domain with a path counts as a link too.
const URL_IN_TEXT = /(?:https?:\/\/|www\.)[^\s]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/[^\s]*/i;

function quoteStart(text: string): string {
	return text.length > 40 ? `"${text.slice(0, 37)}..."` : `"${text}"`;
}

/**
 * Checks the Message Parts against Chert's rules, before anything is sent: 1–10 parts, no two
 * text parts in a row, and binary data that exists. A chat's first message also has no URL in
 * text, and a group's is text only; a follow-up may carry links and files in any chat.
 */
export function checkParts(
	item: Item,
	entries: PartEntry[],
	rules: PartRules,
	binaries: IBinaryKeyData | undefined,
): CheckedPart[] {
	const fail = (field: string, problem: string, hint?: string) =>
		item.invalid(field, problem, hint);
	const { read } = item;
	if (entries.length === 0) {
		throw fail(
			'Message Parts',
			'must have at least one part',
			'Add a Text, Rich Link or Media part.',
		);
	}
	if (entries.length > MAX_PARTS) {
		throw fail(
			'Message Parts',
			`must have at most ${MAX_PARTS} parts, but there are ${entries.length}`,
			'Chert sends at most 10 parts in one message. Send the rest in a follow-up message.',
		);
	}
	const recipients = rules.recipients ?? 1;
	const isGroup = rules.firstMessage && recipients > 1;
	const parts: CheckedPart[] = [];
	entries.forEach((entry, index) => {
		const type = entry.type ?? 'text';
		const label = `Message Part ${index + 1} (${TYPE_NAMES[type] ?? type})`;
		if (type === 'media' && isGroup) {
			throw fail(
				label,
				`can only be sent in a direct chat, but To has ${recipients} numbers`,
				'Send the file to one recipient, or create the group with text and send the file in a follow-up message.',
			);
		}
		if (type !== 'text' && isGroup) {
			throw fail(
				label,
				"cannot start a group chat: a group's first message is text only",
				'Create the group with a text part, then send links and media in a follow-up message.',
			);
		}
		if (type === 'text') {
			const value = read.freeText(entry.text, label);
			if (value === '') {
				throw fail(label, 'is required', 'Type the text to send, or remove the part.');
			}
			const url = rules.firstMessage ? URL_IN_TEXT.exec(value) : null;
			if (url) {
				throw fail(
					label,
					`contains a URL (${quoteStart(url[0])}), which Chert does not allow in the text of a chat's first message`,
					'Move the link into its own Rich Link part: Chert shows it as a preview.',
				);
			}
			if (parts.at(-1)?.type === 'text') {
				throw fail(
					`Message Parts ${index} and ${index + 1}`,
					'are both text',
					'Chert refuses two text parts in a row. Merge them into one text part, or put a Rich Link or Media part between them.',
				);
			}
			parts.push({ type: 'text', value });
		} else if (type === 'richLink') {
			const link: CheckedPart = {
				type: 'rich_link',
				url: read.requiredHttpUrl(entry.url, `${label} Link`),
			};
			const preview = entry.preview ?? {};
			const title = read.freeText(preview.title, `${label} Title`);
			const summary = read.freeText(preview.summary, `${label} Summary`);
			const imageUrl = read.httpUrl(preview.imageUrl, `${label} Image URL`);
			const iconUrl = read.httpUrl(preview.iconUrl, `${label} Icon URL`);
			if (title) link.title = title;
			if (summary) link.summary = summary;
			if (imageUrl) link.image_url = imageUrl;
			if (iconUrl) link.icon_url = iconUrl;
			parts.push(link);
		} else if (type === 'media') {
			const property = read.requiredText(entry.binaryPropertyName, `${label} Input Binary Field`);
			const binary = binaries?.[property];
			if (!binary) {
				const present = Object.keys(binaries ?? {});
				throw fail(
					label,
					`names the binary field "${property}", but the input item has no such field`,
					present.length
						? `The item's binary fields are: ${present.join(', ')}. Put one of them in Input Binary Field.`
						: 'The item has no binary data. Add a node before this one that reads or downloads the file.',
				);
			}
			parts.push({
				type: 'media',
				binaryPropertyName: property,
				fileName:
					binary.fileName || `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`,
				mimeType: binary.mimeType || 'application/octet-stream',
				label,
			});
		} else {
			throw fail(label, `has an unknown type "${type}"`, 'Choose Text, Rich Link or Media.');
		}
	});
	return parts;
}

/** The list of parts from the Message Parts parameter, in the order the user gave. */
export function partEntries(parameter: unknown): PartEntry[] {
	const list = (parameter as IDataObject | undefined)?.part;
	return Array.isArray(list) ? (list as PartEntry[]) : [];
}

/**
 * The Message Parts field: text, rich links and files from the input item, in order. What the
 * field and its Text say differ between a chat's first message and a follow-up.
 */
export function messagePartsProperty(wording: {
	description: string;
	text: string;
}): INodeProperties {
	return {
		displayName: 'Message Parts',
		name: 'parts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Part',
		default: { part: [{ type: 'text', text: '' }] },
		description: wording.description,
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
						description: wording.text,
						displayOptions: { show: { type: ['text'] } },
					},
				],
			},
		],
	};
}

/**
 * The parts as Chert takes them: every file is read and checked before the first request, like
 * the other fields, then uploaded in order. An upload sends no message, so a retry only leaves
 * an unused upload behind.
 */
export async function toChertParts(
	ctx: IExecuteFunctions,
	item: Item,
	client: ChertClient,
	parts: CheckedPart[],
): Promise<IDataObject[]> {
	const files = new Map<number, Buffer>();
	for (const [index, part] of parts.entries()) {
		if (part.type !== 'media') continue;
		const bytes = await ctx.helpers.getBinaryDataBuffer(item.index, part.binaryPropertyName);
		if (bytes.length > MAX_MEDIA_BYTES) {
			throw item.invalid(
				part.label,
				`is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, but Chert accepts files up to 100 MB`,
			);
		}
		files.set(index, bytes);
	}
	const chertParts: IDataObject[] = [];
	for (const [index, part] of parts.entries()) {
		if (part.type === 'media') {
			const attachmentId = await uploadMedia(client, {
				fileName: part.fileName,
				mimeType: part.mimeType,
				bytes: files.get(index)!,
				label: part.label,
			});
			chertParts.push({ type: 'media', attachment_id: attachmentId });
		} else {
			chertParts.push({ ...part });
		}
	}
	return chertParts;
}

import type { IBinaryKeyData, IDataObject, INode } from 'n8n-workflow';

import {
	invalidInput,
	optionalHttpUrl,
	readFreeText,
	requireHttpUrl,
	requireText,
} from '../shared/validate';

const MAX_PARTS = 10;

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

// Chert refuses links in a first message's text; a bare domain with a path counts as a link too.
const URL_IN_TEXT = /(?:https?:\/\/|www\.)[^\s]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/[^\s]*/i;

function quoteStart(text: string): string {
	return text.length > 40 ? `"${text.slice(0, 37)}..."` : `"${text}"`;
}

/**
 * Checks the Message Parts against Chert's rules for a chat's first message, before anything
 * is sent: 1–10 parts, no two text parts in a row, no URL in text, text only in a group,
 * media only in a direct chat, and binary data that exists.
 */
export function checkParts(
	node: INode,
	itemIndex: number,
	entries: PartEntry[],
	recipients: number,
	binaries: IBinaryKeyData | undefined,
): CheckedPart[] {
	const fail = (field: string, problem: string, hint?: string) =>
		invalidInput(node, itemIndex, field, problem, hint);
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
	const isGroup = recipients > 1;
	const parts: CheckedPart[] = [];
	entries.forEach((entry, index) => {
		const type = entry.type ?? 'text';
		const label = `Message Part ${index + 1} (${TYPE_NAMES[type] ?? type})`;
		const at = (field: string) => ({ node, itemIndex, field });
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
			const value = readFreeText(entry.text, at(label));
			if (value === '') {
				throw fail(label, 'is required', 'Type the text to send, or remove the part.');
			}
			const url = URL_IN_TEXT.exec(value);
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
				url: requireHttpUrl(entry.url, at(`${label} Link`)),
			};
			const preview = entry.preview ?? {};
			const title = readFreeText(preview.title, at(`${label} Title`));
			const summary = readFreeText(preview.summary, at(`${label} Summary`));
			const imageUrl = optionalHttpUrl(preview.imageUrl, at(`${label} Image URL`));
			const iconUrl = optionalHttpUrl(preview.iconUrl, at(`${label} Icon URL`));
			if (title) link.title = title;
			if (summary) link.summary = summary;
			if (imageUrl) link.image_url = imageUrl;
			if (iconUrl) link.icon_url = iconUrl;
			parts.push(link);
		} else if (type === 'media') {
			const property = requireText(entry.binaryPropertyName, at(`${label} Input Binary Field`));
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

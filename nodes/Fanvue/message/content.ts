import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Readers } from '../transport';

const MAX_TEXT = 5000;
/** Fanvue's minimum price, in cents (api.fanvue.com/docs: Send a message, price >= 300). */
export const MIN_PRICE_CENTS = 300;

/** The message fields Fanvue documents for POST /chats/{userUuid}/message, named for one use. */
export function contentFields(
	label: (field: string) => string,
	names = { mediaUuids: 'mediaUuids', price: 'price' },
): INodeProperties[] {
	return [
		{
			displayName: label('Media UUIDs'),
			name: names.mediaUuids,
			type: 'string',
			default: '',
			placeholder: 'e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6, 9b2e…',
			description:
				"UUIDs of media already in the creator's Fanvue vault (from Fanvue's media list, GET /media), separated by commas, or a list from an expression",
		},
		{
			displayName: label('Price (Cents)'),
			name: names.price,
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: `Makes the message pay-to-view: its price in US cents, at least ${MIN_PRICE_CENTS} ($3.00). 0 means free.`,
		},
	];
}

type Label = (field: string) => string;

/** Text, media and price, checked as Fanvue documents them before anything is sent. */
export function readContent(
	read: Readers,
	values: { text: unknown; mediaUuids: unknown; price: unknown; templateUuid?: unknown },
	label: Label,
	invalid: (field: string, problem: string, hint?: string) => Error,
): IDataObject | undefined {
	const text = read.freeText(values.text, label('Text'));
	if (text.length > MAX_TEXT) {
		throw invalid(label('Text'), `must be at most ${MAX_TEXT} characters, but has ${text.length}`);
	}
	const mediaUuids = read
		.list(values.mediaUuids, label('Media UUIDs'))
		.map((uuid) => read.requiredUuid(uuid, label('Media UUIDs')));
	const templateUuid = read.uuid(values.templateUuid, label('Template UUID'));
	const priceText = read.text(values.price, label('Price (Cents)'));
	const price = priceText === '' ? 0 : Number(priceText);
	if (!Number.isFinite(price) || (price !== 0 && price < MIN_PRICE_CENTS)) {
		throw invalid(
			label('Price (Cents)'),
			`must be 0 (free) or at least ${MIN_PRICE_CENTS} cents, but got "${priceText}"`,
			'Fanvue prices are in US cents: 300 is $3.00.',
		);
	}
	if (!text && !mediaUuids.length && !templateUuid) return undefined;
	const body: IDataObject = {};
	if (text) body.text = text;
	if (mediaUuids.length) body.mediaUuids = mediaUuids;
	if (price) body.price = price;
	if (templateUuid) body.templateUuid = templateUuid;
	return body;
}

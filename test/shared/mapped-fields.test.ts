import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import { itemOf } from '../../nodes/shared/item';
import { mappedFieldValue } from '../../nodes/shared/mapped-fields';
import { runNode } from '../engine/run-node';

/** Every parameter of the case, read by the door and by n8n's own expression engine. */
const EXPRESSIONS: Record<string, string> = {
	text: '={{ $json.email }}',
	tight: '={{$json.email}}',
	number: '={{ $json.count }}',
	zero: '={{ $json.zero }}',
	flag: '={{ $json.active }}',
	empty: '={{ $json.blank }}',
	nested: '={{ $json.contact.name }}',
	bracket: "={{ $json['first name'] }}",
	doubleQuoted: '={{ $json["first name"] }}',
	indexed: '={{ $json.tags[1] }}',
	missing: '={{ $json.nothing }}',
	object: '={{ $json.contact }}',
	nullValue: '={{ $json.none }}',
	template: '=Hi {{ $json.email }}',
	twoFields: '={{ $json.email }}{{ $json.count }}',
	method: '={{ $json.email.toUpperCase() }}',
	otherNode: "={{ $('Input').item.json.email }}",
	plain: 'typed as it is',
};

const paramNames = Object.keys(EXPRESSIONS);

function readingNode(): INodeType {
	return {
		description: {
			displayName: 'Test Reader',
			name: 'testReader',
			group: ['transform'],
			version: 1,
			description: 'Reads its parameters both ways',
			defaults: { name: 'Test Reader' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				...paramNames.map((name) => ({
					displayName: name,
					name,
					type: 'string' as const,
					default: '',
				})),
				{
					displayName: 'Chat',
					name: 'chat',
					type: 'resourceLocator',
					default: { mode: 'id', value: '' },
					modes: [
						{ displayName: 'ID', name: 'id', type: 'string' },
						{
							displayName: 'URL',
							name: 'url',
							type: 'string',
							extractValue: { type: 'regex', regex: 'chats/([0-9]+)' },
						},
					],
				},
			],
		},
		async execute(this: IExecuteFunctions) {
			const settings = { parallelRequests: undefined, maxWaitMs: 0 };
			return [
				this.getInputData().map((_, index) => {
					const item = itemOf(this, index, settings);
					const json: IDataObject = {};
					for (const name of paramNames) {
						json[name] = {
							door: item.param(name) as IDataObject,
							n8n: this.getNodeParameter(name, index) as IDataObject,
						};
					}
					json.chat = {
						door: item.param('chat') as IDataObject,
						n8n: this.getNodeParameter('chat', index, '', { extractValue: true }) as IDataObject,
					};
					return { json, pairedItem: { item: index } };
				}),
			];
		},
	};
}

const items = [
	{
		json: {
			email: 'ada@example.com',
			count: 3,
			zero: 0,
			active: false,
			blank: '',
			contact: { name: 'Ada' },
			'first name': 'Ada',
			tags: ['a', 'b'],
			none: null,
			chatUrl: 'https://app.example.com/chats/42',
		},
	},
	{
		json: {
			email: 'bo@example.com',
			count: 7,
			contact: { name: 'Bo' },
			tags: [],
			chatUrl: 'https://app.example.com/chats/7',
		},
	},
];

describe('a parameter mapped from one field of the item', () => {
	it.each([false, true])(
		'reads as n8n reads it, for every kind of expression (as an AI tool: %s)',
		async (asTool) => {
			const result = await runNode({
				nodeType: readingNode(),
				parameters: {
					...EXPRESSIONS,
					chat: { __rl: true, mode: 'url', value: '={{ $json.chatUrl }}' },
				},
				items,
				asTool,
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(items.length);
			for (const item of result.items) {
				for (const name of paramNames) {
					const { door, n8n } = item.json[name] as { door: unknown; n8n: unknown };
					expect({ name, value: door }).toEqual({ name, value: n8n });
				}
			}
			expect(result.items[0].json.number).toEqual({ door: 3, n8n: 3 });
			// A resource locator gives the value its mode extracts, as n8n's extractValue does.
			expect(result.items[0].json.chat).toEqual({ door: '42', n8n: '42' });
			expect(result.items[1].json.indexed).toEqual({ door: undefined, n8n: undefined });
		},
	);

	it('takes only one field of the item holding text, a number or true/false', () => {
		const json = items[0].json;
		expect(mappedFieldValue('={{ $json.email }}', json)).toBe('ada@example.com');
		expect(mappedFieldValue('={{ $json.contact.name }}', json)).toBe('Ada');
		expect(mappedFieldValue("={{ $json['first name'] }}", json)).toBe('Ada');
		expect(mappedFieldValue('={{ $json.zero }}', json)).toBe(0);
		expect(mappedFieldValue('={{ $json.active }}', json)).toBe(false);
		// Left to n8n: not one field, not a plain value, or not there.
		for (const raw of [
			'={{ $json.contact }}',
			'={{ $json.none }}',
			'={{ $json.nothing }}',
			'={{ $json.email.length }}',
			'={{ $json.toString }}',
			'={{ $json.constructor }}',
			'=Hi {{ $json.email }}',
			'={{ $json.email }}\n',
			"={{ $('Input').item.json.email }}",
			'{{ $json.email }}',
			'ada@example.com',
		]) {
			expect({ raw, value: mappedFieldValue(raw, json) }).toEqual({ raw, value: undefined });
		}
	});
});

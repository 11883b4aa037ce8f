import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	NodeHelpers,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
} from 'n8n-workflow';

import { ChertApi } from '../credentials/ChertApi.credentials';
import { Chert } from '../nodes/Chert/Chert.node';
import { runListSearch, runNode, type RunNodeOptions } from './engine/run-node';
import { header, type LoggedRequest } from '../fakes/fake-server';
import { ChertFake, CODES, SECRET_PLACEHOLDER } from '../fakes/chert';

const fake = new ChertFake();
const FROM = '+15555550100';
const LEAD = '+14155551234';
const COLLEAGUE = '+14155559876';
const GROUP = `${LEAD}, ${COLLEAGUE}`;
const SECRETS = [fake.singleTenant.signingSecret, fake.multiTenant.signingSecret];
const VCARD = 'BEGIN:VCARD\nVERSION:3.0\nFN:Sam Chen – Acme\nTEL:+14155551234\nEND:VCARD\n';

beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

type Credential = {
	signingSecret?: string;
	authMethod?: 'bearer' | 'signed';
	tenantSlug?: string;
	baseUrl?: string;
};

function chertCredential(overrides: Credential = {}) {
	return {
		chatProvidersChertApi: {
			signingSecret: fake.singleTenant.signingSecret,
			baseUrl: `${fake.apiBaseUrl}/`,
			authMethod: 'bearer',
			tenantSlug: '',
			...overrides,
		},
	};
}

const byNumber = (value: string) => ({ __rl: true, mode: 'number', value });
const text = (value: string) => ({ type: 'text', text: value });
const link = (url: string, preview: INodeParameters = {}) => ({ type: 'richLink', url, preview });
const media = (binaryPropertyName = 'data') => ({ type: 'media', binaryPropertyName });
const parts = (...list: INodeParameters[]): INodeParameters => ({ part: list });

function run(
	parameters: INodeParameters,
	extra: Partial<RunNodeOptions> & { credential?: Credential } = {},
) {
	const { credential, ...options } = extra;
	return runNode({
		nodeType: new Chert(),
		credentialTypes: [new ChertApi()],
		credentials: chertCredential(credential),
		parameters: {
			resource: 'chat',
			operation: 'create',
			from: byNumber(FROM),
			to: LEAD,
			parts: parts(text('Hi Sam - got a minute?')),
			...parameters,
		},
		...options,
	});
}

function withFile(content = VCARD, json: IDataObject = {}): INodeExecutionData {
	return {
		json,
		binary: {
			data: {
				data: Buffer.from(content, 'utf8').toString('base64'),
				mimeType: 'text/vcard',
				fileName: 'sam-chen.vcf',
				fileExtension: 'vcf',
			},
		},
	};
}

function chatRequests(): LoggedRequest[] {
	return fake.requestsTo('POST', '/api/v1/chats');
}

function sentBody(index = 0): IDataObject {
	return chatRequests()[index].body as IDataObject;
}

function expectNoSecret(value: unknown) {
	const text = JSON.stringify(value);
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

function signatureOf(
	request: LoggedRequest,
	secret: string,
): { timestamp: string; valid: boolean } {
	const [version, timestamp, digest] = String(header(request, 'x-chert-signature')).split(',');
	const expected = createHmac('sha256', secret)
		.update(`${timestamp}.`)
		.update(request.rawBytes)
		.digest('hex');
	return { timestamp, valid: version === 'v1' && digest === expected };
}

describe('Chert › Create Chat: a direct chat', () => {
	it('posts from, to and the parts with an idempotency key, and outputs the chat and message', async () => {
		const result = await run({
			parts: parts(text('Hi Sam - got a minute?'), link('https://example.com/demo')),
		});
		expect(result.error).toBeUndefined();
		expect(sentBody()).toEqual({
			from: FROM,
			to: [LEAD],
			message: {
				parts: [
					{ type: 'text', value: 'Hi Sam - got a minute?' },
					{ type: 'rich_link', url: 'https://example.com/demo' },
				],
				idempotency_key: expect.stringMatching(/^n8n-[0-9a-f]{48}$/),
			},
		});
		expect(header(chatRequests()[0], 'content-type')).toBe('application/json');
		const [chat] = fake.chats.values();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			chat: expect.objectContaining({ id: chat.id, is_group: false, service: 'imessage' }),
			message: expect.objectContaining({ chat_id: chat.id, status: 'sent' }),
		});
		expectNoSecret(result.items);
	});

	it('sends the rich link preview fields the user gives', async () => {
		await run({
			parts: parts(
				text('The deck from today:'),
				link('https://example.com/deck', {
					title: 'Q3 deck',
					summary: 'Pricing and rollout',
					imageUrl: 'https://example.com/deck.png',
					iconUrl: 'https://example.com/icon.png',
				}),
			),
		});
		expect((sentBody().message as IDataObject).parts).toEqual([
			{ type: 'text', value: 'The deck from today:' },
			{
				type: 'rich_link',
				url: 'https://example.com/deck',
				title: 'Q3 deck',
				summary: 'Pricing and rollout',
				image_url: 'https://example.com/deck.png',
				icon_url: 'https://example.com/icon.png',
			},
		]);
	});

	it('keeps the order the user gave the parts', async () => {
		await run({ parts: parts(link('https://example.com/demo'), text('That is the demo.')) });
		expect((sentBody().message as IDataObject).parts).toEqual([
			{ type: 'rich_link', url: 'https://example.com/demo' },
			{ type: 'text', value: 'That is the demo.' },
		]);
	});

	it('takes From and To from each input item', async () => {
		const result = await run(
			{ from: byNumber('={{ $json.from }}'), to: '={{ $json.phone }}' },
			{
				items: [
					{ json: { from: FROM, phone: LEAD } },
					{ json: { from: '+15555550101', phone: COLLEAGUE } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(
			chatRequests().map((r) => [(r.body as IDataObject).from, (r.body as IDataObject).to]),
		).toEqual([
			[FROM, [LEAD]],
			['+15555550101', [COLLEAGUE]],
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Chert › Create Chat: a group chat', () => {
	it('sends 2 or more recipients with the subject, and Chert answers with a group', async () => {
		const result = await run({
			to: GROUP,
			subject: 'Launch follow-up',
			parts: parts(text('Starting this group here.')),
		});
		expect(result.error).toBeUndefined();
		expect(sentBody()).toEqual({
			from: FROM,
			to: [LEAD, COLLEAGUE],
			message: {
				parts: [{ type: 'text', value: 'Starting this group here.' }],
				idempotency_key: expect.any(String),
				subject: 'Launch follow-up',
			},
		});
		expect(result.items[0].json.chat).toMatchObject({
			is_group: true,
			display_name: 'Launch follow-up',
		});
	});

	it.each([
		['a comma-separated string', '={{ $json.phones.join(", ") }}'],
		['a list', '={{ $json.phones }}'],
	])('reads To from an expression giving %s', async (_kind, expression) => {
		const result = await run(
			{ to: expression, subject: 'Team' },
			{ items: [{ json: { phones: [LEAD, COLLEAGUE, '+1 (415) 555-0000'] } }] },
		);
		expect(result.error).toBeUndefined();
		expect(sentBody().to).toEqual([LEAD, COLLEAGUE, '+14155550000']);
	});

	it('reads To when the whole field is one expression', async () => {
		const result = await run(
			{ to: '={{ $json.phones }}' },
			{ items: [{ json: { phones: `${LEAD};${COLLEAGUE}` } }] },
		);
		expect(result.error).toBeUndefined();
		expect(sentBody().to).toEqual([LEAD, COLLEAGUE]);
	});

	it('leaves the subject out of a direct chat', async () => {
		await run({ subject: 'Only for groups' });
		expect((sentBody().message as IDataObject).subject).toBeUndefined();
	});
});

describe('Chert › Create Chat: media through the attachment upload flow', () => {
	const uploads = () => fake.storage.requestsTo('PUT', /^\/uploads\//);
	const chertUploads = () => fake.requestsTo('PUT', /^\/api\/v1\/attachments\/att_\w+\/upload$/);
	const everyRequest = () => [...fake.requests, ...fake.storage.requests];

	it('describes the file, uploads its bytes to the pre-signed URL, then sends the attachment part', async () => {
		const result = await run({ parts: parts(text('My card:'), media()) }, { items: [withFile()] });
		expect(result.error).toBeUndefined();
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /api/v1/attachments',
			'POST /api/v1/chats',
		]);
		const [describeFile] = fake.requests;
		expect(describeFile.body).toEqual({
			filename: 'sam-chen.vcf',
			content_type: 'text/vcard',
			size_bytes: Buffer.byteLength(VCARD),
		});
		const [upload] = uploads();
		expect(upload.path).toMatch(/^\/uploads\/att_/);
		expect(header(upload, 'authorization')).toBeUndefined();
		expect(header(upload, 'content-type')).toBe('text/vcard');
		const [attachment] = fake.attachments.values();
		expect(attachment.bytes?.toString('utf8')).toBe(VCARD);
		expect((sentBody().message as IDataObject).parts).toEqual([
			{ type: 'text', value: 'My card:' },
			{ type: 'media', attachment_id: attachment.id },
		]);
		expect(fake.messages).toHaveLength(1);
	});

	it('uploads the exact bytes of a binary file', async () => {
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);
		const item: INodeExecutionData = {
			json: {},
			binary: {
				data: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'logo.png' },
			},
		};
		for (const authMethod of ['bearer', 'signed'] as const) {
			fake.reset();
			const result = await run(
				{ parts: parts(media()) },
				{ items: [item], credential: { authMethod, tenantSlug: 'acme-sales' } },
			);
			expect(result.error).toBeUndefined();
			expect([...fake.attachments.values()][0].bytes?.equals(png)).toBe(true);
		}
	});

	it('signs the attachment request like every other one', async () => {
		const result = await run(
			{ parts: parts(media()) },
			{ items: [withFile()], credential: { authMethod: 'signed', tenantSlug: 'acme-sales' } },
		);
		expect(result.error).toBeUndefined();
		const describeFile = fake.requestsTo('POST', '/api/v1/attachments')[0];
		expect(signatureOf(describeFile, fake.singleTenant.signingSecret).valid).toBe(true);
		expect(header(uploads()[0], 'x-chert-signature')).toBeUndefined();
	});

	it('a pre-signed URL on another origin gets nothing of the credential, nor a placeholder header', async () => {
		// Another port is another origin, like a storage host beside console.trychert.com.
		fake.extraRequiredHeaders = { Authorization: SECRET_PLACEHOLDER };
		const result = await run(
			{ parts: parts(media()) },
			{ items: [withFile()], credential: { tenantSlug: 'acme-sales' } },
		);
		expect(result.error).toBeUndefined();
		const [upload] = uploads();
		expect(header(upload, 'authorization')).toBeUndefined();
		expect(header(upload, 'x-chert-tenant')).toBeUndefined();
		expect(header(upload, 'x-upload-token')).toBeDefined();
		expect(fake.messages).toHaveLength(1);
	});

	it("Chert's own upload route (its docs' flow): the credential's bearer auth, never the placeholder", async () => {
		fake.uploadTarget = 'chert';
		const result = await run({ parts: parts(text('My card:'), media()) }, { items: [withFile()] });
		expect(result.error).toBeUndefined();
		const [upload] = chertUploads();
		expect(header(upload, 'authorization')).toBe(`Bearer ${fake.singleTenant.signingSecret}`);
		expect(header(upload, 'content-type')).toBe('text/vcard');
		expect(JSON.stringify(everyRequest().map((r) => r.headers))).not.toContain('<your-');
		expect(fake.storage.requests).toHaveLength(0);
		const [attachment] = fake.attachments.values();
		expect(attachment.bytes?.toString('utf8')).toBe(VCARD);
		expect(fake.messages).toHaveLength(1);
	});

	it("Chert's own upload route with a multi-tenant account: the tenant goes along", async () => {
		fake.uploadTarget = 'chert';
		const result = await run(
			{ from: byNumber('+15555550300'), parts: parts(media()) },
			{
				items: [withFile()],
				credential: { signingSecret: fake.multiTenant.signingSecret, tenantSlug: 'globex-west' },
			},
		);
		expect(result.error).toBeUndefined();
		expect(header(chertUploads()[0], 'x-chert-tenant')).toBe('globex-west');
	});

	it("Chert's own upload route refuses signed requests (its docs: bearer only): the error says what to change", async () => {
		fake.uploadTarget = 'chert';
		const result = await run(
			{ parts: parts(media()) },
			{ items: [withFile()], credential: { authMethod: 'signed', tenantSlug: 'acme-sales' } },
		);
		expect(result.error?.message).toBe(
			'Chert: Uploading "sam-chen.vcf" failed (HTTP 401): HMAC is not supported on the binary upload route. Use bearer auth.',
		);
		expect(result.error?.description).toContain('no message was sent');
		expect(result.error?.description).toContain('set Authenticate With to Bearer Token');
		expect(result.error?.description).toMatch(/HTTP 401, code 2004, trace ID trc_\d+/);
		const [upload] = chertUploads();
		expect(signatureOf(upload, fake.singleTenant.signingSecret).valid).toBe(true);
		expect(header(upload, 'authorization')).toBeUndefined();
		expectNoSecret(everyRequest().map((r) => r.headers));
		expect(chatRequests()).toHaveLength(0);
	});

	it('a refused upload fails the item before any message, without showing the upload URL', async () => {
		fake.storage.script('PUT', /^\/uploads\//, { status: 403, body: 'Request has expired' });
		const result = await run({ parts: parts(media()) }, { items: [withFile()] });
		expect(result.error?.message).toBe('Chert: Uploading "sam-chen.vcf" failed (HTTP 403)');
		expect(result.error?.description).toContain('no message was sent');
		expect(chatRequests()).toHaveLength(0);
		const [attachment] = fake.attachments.values();
		expect(JSON.stringify(result.error)).not.toContain(attachment.uploadToken);
		expectNoSecret(result.error);
	});
});

describe('Chert › Authentication: bearer or signed requests', () => {
	it('bearer: sends the signing secret as Authorization and no signature', async () => {
		const result = await run({});
		expect(result.error).toBeUndefined();
		const [request] = chatRequests();
		expect(header(request, 'authorization')).toBe(`Bearer ${fake.singleTenant.signingSecret}`);
		expect(header(request, 'x-chert-signature')).toBeUndefined();
		expect(header(request, 'x-chert-tenant')).toBeUndefined();
	});

	it('signed: the fake recomputes the HMAC over the exact bytes it received', async () => {
		const result = await run(
			{ parts: parts(text('Olá Sam 👋 – café at 3?')) },
			{ credential: { authMethod: 'signed', tenantSlug: 'acme-sales' } },
		);
		expect(result.error).toBeUndefined();
		const [request] = chatRequests();
		expect(header(request, 'authorization')).toBeUndefined();
		expect(header(request, 'x-chert-tenant')).toBe('acme-sales');
		const signature = signatureOf(request, fake.singleTenant.signingSecret);
		expect(signature.valid).toBe(true);
		expect(Math.abs(Number(signature.timestamp) - Date.now() / 1000)).toBeLessThan(60);
		expect(request.rawBody).toContain('Olá Sam 👋 – café at 3?');
		expect(fake.messages).toHaveLength(1);
		expectNoSecret(fake.requests.map((r) => r.headers));
	});

	it('signed: a wrong secret is refused with code 2004 and never shown', async () => {
		const wrong = 'chert_ss_wrong_0000000000000000';
		const result = await run(
			{},
			{ credential: { authMethod: 'signed', tenantSlug: 'acme-sales', signingSecret: wrong } },
		);
		expect(result.error?.message).toBe('Chert: Invalid signature');
		expect(result.error?.description).toContain('Check Signing Secret in the Chert credential');
		expect(result.error?.description).toContain('HTTP 401, code 2004, trace ID trc_');
		expect(JSON.stringify(result.error)).not.toContain(wrong);
		expect(fake.messages).toHaveLength(0);
	});

	it('bearer: a wrong secret is refused with code 2004', async () => {
		const wrong = 'chert_ss_wrong_0000000000000000';
		const result = await run({}, { credential: { signingSecret: wrong } });
		expect(result.error?.message).toBe('Chert: Invalid signing secret');
		expect(JSON.stringify(result.error)).not.toContain(wrong);
		expect(chatRequests()).toHaveLength(1);
	});

	it('signed without a tenant slug is refused with code 2012', async () => {
		const result = await run({}, { credential: { authMethod: 'signed' } });
		expect(result.error?.message).toBe('Chert: x-chert-tenant header is required');
		expect(result.error?.description).toContain('Set Tenant Slug in the Chert credential');
		expect(fake.messages).toHaveLength(0);
	});

	it("signed with n8n's clock more than 5 minutes off is refused with code 2013", async () => {
		fake.clockSkewMs = 6 * 60_000;
		const result = await run(
			{},
			{ credential: { authMethod: 'signed', tenantSlug: 'acme-sales' } },
		);
		expect(result.error?.message).toBe('Chert: Signature timestamp outside the allowed window');
		expect(result.error?.description).toContain('code 2013');
		expect(result.error?.description).toContain('clock of the machine running n8n');
		expect(fake.messages).toHaveLength(0);
	});

	it('a multi-tenant account must name its tenant (2012); with it, the tenant is used', async () => {
		const multi = { signingSecret: fake.multiTenant.signingSecret };
		const withoutTenant = await run({ from: byNumber('+15555550300') }, { credential: multi });
		expect(withoutTenant.error?.message).toBe(
			'Chert: x-chert-tenant header is required for multi-tenant accounts',
		);
		const withTenant = await run(
			{ from: byNumber('+15555550300') },
			{ credential: { ...multi, tenantSlug: 'globex-west' } },
		);
		expect(withTenant.error).toBeUndefined();
		expect(header(chatRequests()[1], 'x-chert-tenant')).toBe('globex-west');
		expect([...fake.chats.values()].map((c) => c.tenant)).toEqual(['globex-west']);
		expectNoSecret([withoutTenant.error, withTenant.items]);
	});
});

describe('Chert › Create Chat: cost per item', () => {
	it('reads the credential once per node run, and signs every request with that copy', async () => {
		const leads = ['+14155551001', '+14155551002', '+14155551003', '+14155551004'];
		const result = await run(
			{ from: byNumber('+15555550300'), to: '={{ $json.lead }}' },
			{
				items: leads.map((lead) => ({ json: { lead } })),
				credential: {
					signingSecret: fake.multiTenant.signingSecret,
					authMethod: 'signed',
					tenantSlug: 'globex-west',
				},
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.credentialsHelper.reads).toBe(1);
	});
});

describe('Chert › From: the tenant’s active phone numbers', () => {
	const search = (filter?: string, credential: Credential = {}) =>
		runListSearch({
			nodeType: new Chert(),
			method: 'searchPhoneNumbers',
			filter,
			parameters: { resource: 'chat', operation: 'create' },
			credentialTypes: [new ChertApi()],
			credentials: chertCredential(credential),
		});

	it('lists the active numbers from GET /phone-numbers', async () => {
		const { results } = await search();
		expect(results).toEqual([
			{ name: '+15555550100 (imessage)', value: '+15555550100' },
			{ name: '+15555550101 (imessage)', value: '+15555550101' },
		]);
		expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /api/v1/phone-numbers',
		]);
	});

	it("waits out Chert's 429 (retry_after) like Create Chat, then lists the numbers", async () => {
		fake.script('GET', '/api/v1/phone-numbers', {
			status: 429,
			body: {
				success: false,
				error: {
					status: 429,
					code: 1007,
					message: 'Rate limited',
					retryable: true,
					retry_after: 0,
				},
				trace_id: 'trc_rl',
			},
		});
		const { results } = await search();
		expect(results).toHaveLength(2);
		expect(fake.requestsTo('GET', '/api/v1/phone-numbers')).toHaveLength(2);
	});

	it('filters by the digits typed', async () => {
		const { results } = await search('0101');
		expect(results.map((r) => r.value)).toEqual(['+15555550101']);
	});

	it('signs a GET over an empty body', async () => {
		const { results } = await search(undefined, {
			authMethod: 'signed',
			tenantSlug: 'acme-sales',
		});
		expect(results).toHaveLength(2);
		const [request] = fake.requests;
		expect(request.rawBody).toBe('');
		expect(signatureOf(request, fake.singleTenant.signingSecret).valid).toBe(true);
	});

	it("shows Chert's error when the secret is refused", async () => {
		await expect(search(undefined, { signingSecret: 'chert_ss_wrong_1111' })).rejects.toThrow(
			'Chert: Invalid signing secret',
		);
	});

	it('a number the tenant does not own is refused by Chert with code 2006', async () => {
		const result = await run({ from: byNumber('+15555550300') });
		expect(result.error?.message).toBe('Chert: +15555550300 is not assigned to this tenant');
		expect(result.error?.description).toContain('Pick a number from the From list');
		expect(result.error?.description).toMatch(/HTTP 403, code 2006, trace ID trc_\d+/);
		expect(fake.chats.size).toBe(0);
	});
});

describe('Chert › Idempotency: a retried workflow never texts the lead twice', () => {
	it('the key depends on execution, node and item only: the same key and body make Chert replay, one chat', async () => {
		// Different input content, so the node's memory of the first run does not answer.
		const first = await run({}, { executionId: 'exec-7', items: [{ json: { attempt: 1 } }] });
		const second = await run({}, { executionId: 'exec-7', items: [{ json: { attempt: 2 } }] });
		expect(chatRequests()).toHaveLength(2);
		expect(chatRequests()[0].rawBody).toBe(chatRequests()[1].rawBody);
		expect(fake.chats.size).toBe(1);
		expect(second.items[0].json).toEqual(first.items[0].json);
	});

	it('another execution, or another item, gets another key', async () => {
		await run({}, { executionId: 'exec-8', items: [{ json: {} }, { json: {} }] });
		await run({}, { executionId: 'exec-9' });
		const keys = chatRequests().map(
			(r) => (r.body as { message: IDataObject }).message.idempotency_key,
		);
		expect(new Set(keys).size).toBe(3);
		expect(fake.chats.size).toBe(3);
	});

	it("uses the user's own key", async () => {
		await run(
			{ options: { idempotencyKey: '={{ "lead-" + $json.leadId }}' } },
			{ items: [{ json: { leadId: 42 } }] },
		);
		expect((sentBody().message as IDataObject).idempotency_key).toBe('lead-42');
	});

	it('retries an error Chert marks retryable with the same bytes: one message', async () => {
		fake.script(
			'POST',
			'/api/v1/chats',
			fake.failure(502, CODES.deliveryFailed, 'Downstream delivery failed', true),
		);
		const result = await run({});
		expect(result.error).toBeUndefined();
		expect(chatRequests()).toHaveLength(2);
		expect(chatRequests()[0].rawBody).toBe(chatRequests()[1].rawBody);
		expect(fake.messages).toHaveLength(1);
	});

	it('does not retry an error Chert marks not retryable, even a 5xx', async () => {
		fake.script(
			'POST',
			'/api/v1/chats',
			fake.failure(503, CODES.linesSaturated, 'All sender lines are saturated', false),
		);
		const result = await run({});
		expect(chatRequests()).toHaveLength(1);
		expect(result.error?.message).toBe('Chert: All sender lines are saturated');
		expect(result.error?.description).toContain("All of Chert's sender lines are busy");
	});

	it('gives up after a bounded number of retryable failures', async () => {
		const failure = () =>
			fake.failure(502, CODES.deliveryFailed, 'Downstream delivery failed', true);
		fake.script('POST', '/api/v1/chats', failure(), failure(), failure(), failure(), failure());
		const result = await run({});
		expect(chatRequests()).toHaveLength(4);
		expect(result.error?.message).toBe('Chert: Downstream delivery failed');
		expect(result.error?.description).toContain('not sent twice');
		expect(result.error?.description).toMatch(/HTTP 502, code 4001, trace ID trc_\d+/);
	});

	it('429: waits for retry_after / Retry-After and then sends once', async () => {
		fake.script('POST', '/api/v1/chats', fake.rateLimited(1));
		const started = Date.now();
		const result = await run({});
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(chatRequests()).toHaveLength(2);
		expect(fake.messages).toHaveLength(1);
	});

	it('429 past the maximum wait: fails with the time to try again', async () => {
		fake.script('POST', '/api/v1/chats', fake.rateLimited(120));
		const result = await run({ options: { maxWaitSeconds: 5 } });
		expect(result.error?.message).toMatch(/^Chert: Rate limit reached; try again after \d{4}-/);
		expect(result.error?.description).toContain('Rate limit exceeded');
		expect(result.error?.description).toContain('code 1007');
		expect(chatRequests()).toHaveLength(1);
	});

	it("n8n's Retry On Fail re-runs the node: the item already sent is not sent again", async () => {
		const items = [{ json: { phone: '+14155550001' } }, { json: { phone: '+14155550002' } }];
		fake.refuseOnce(
			'+14155550002',
			fake.failure(400, CODES.missingField, 'from, to and message.parts are required'),
		);
		const result = await run(
			{ to: '={{ $json.phone }}', options: { parallelRequests: 1 } },
			{ items, retryOnFail: { maxTries: 2, waitBetweenTries: 0 } },
		);
		expect(result.error).toBeUndefined();
		// Run 1: item 0 sent, item 1 refused. Run 2: item 0 answered from the first run, item 1 sent.
		expect(chatRequests().map((r) => (r.body as IDataObject).to)).toEqual([
			['+14155550001'],
			['+14155550002'],
			['+14155550002'],
		]);
		expect(fake.messages).toHaveLength(2);
		const firstChat = [...fake.chats.values()].find((c) => c.to[0] === '+14155550001');
		expect((result.items[0].json.chat as IDataObject).id).toBe(firstChat?.id);
	});

	it('Retry On Fail with a media part: the item already sent is neither uploaded nor sent again', async () => {
		fake.refuseOnce(
			'+14155550002',
			fake.failure(400, CODES.missingField, 'from, to and message.parts are required'),
		);
		const result = await run(
			{ to: '={{ $json.phone }}', parts: parts(media()), options: { parallelRequests: 1 } },
			{
				items: [
					withFile(VCARD, { phone: '+14155550001' }),
					withFile(VCARD, { phone: '+14155550002' }),
				],
				retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
			},
		);
		expect(result.error).toBeUndefined();
		expect(fake.messages).toHaveLength(2);
		// Item 0 uploaded once; item 1 once per run.
		expect(fake.attachments.size).toBe(3);
	});
});

describe('Chert › Create Chat: bad input is refused before any request', () => {
	const eleven = Array.from({ length: 11 }, (_, i) =>
		i % 2 === 0 ? text(`Part ${i}`) : link(`https://example.com/${i}`),
	);
	it.each([
		[
			'From in E.164',
			{ from: byNumber('={{ "555-0100" }}') },
			'From must be a phone number in E.164 format, but got "555-0100" [item 0]',
		],
		[
			'To in E.164',
			{ to: `${LEAD}, 4155559876` },
			'To must be a phone number in E.164 format, but got "4155559876" [item 0]',
		],
		['at least one recipient', { to: '={{ "" }}' }, 'To is required [item 0]'],
		[
			'at most 31 recipients',
			{
				to: Array.from({ length: 32 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`).join(
					', ',
				),
			},
			'To must list 1 to 31 phone numbers, but it has 32 [item 0]',
		],
		['at least one part', { parts: {} }, 'Message Parts must have at least one part [item 0]'],
		[
			'at most 10 parts',
			{ parts: parts(...eleven) },
			'Message Parts must have at most 10 parts, but there are 11 [item 0]',
		],
		[
			'no two text parts in a row',
			{ parts: parts(text('Hi Sam'), text('got a minute?')) },
			'Message Parts 1 and 2 are both text [item 0]',
		],
		[
			'no URL in the text of a first message',
			{ parts: parts(text('See https://example.com/demo today')) },
			'Message Part 1 (Text) contains a URL ("https://example.com/demo"), which Chert does not allow in the text of a chat\'s first message [item 0]',
		],
		[
			'no bare link in the text either',
			{ parts: parts(text('See example.com/demo today')) },
			'Message Part 1 (Text) contains a URL ("example.com/demo"), which Chert does not allow in the text of a chat\'s first message [item 0]',
		],
		[
			'a group starts with text only',
			{ to: GROUP, parts: parts(text('Hello team'), link('https://example.com')) },
			"Message Part 2 (Rich Link) cannot start a group chat: a group's first message is text only [item 0]",
		],
		[
			'media only in a direct chat',
			{ to: GROUP, parts: parts(media()) },
			'Message Part 1 (Media) can only be sent in a direct chat, but To has 2 numbers [item 0]',
		],
		[
			'a binary field that exists',
			{ parts: parts(text('My card:'), media('card')) },
			'Message Part 2 (Media) names the binary field "card", but the input item has no such field [item 0]',
		],
		[
			'a rich link URL',
			{ parts: parts(link('example.com')) },
			'Message Part 1 (Rich Link) Link must be a URL starting with http:// or https://, but got "example.com" [item 0]',
		],
		[
			'text in a text part',
			{ parts: parts(text('  ')) },
			'Message Part 1 (Text) is required [item 0]',
		],
	])('%s', async (_rule, parameters, message) => {
		const result = await run(parameters as INodeParameters, { items: [withFile()] });
		expect(result.error?.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	it('says how to fix it', async () => {
		const url = await run({ parts: parts(text('See https://example.com/demo')) });
		expect(url.error?.description).toBe(
			'Move the link into its own Rich Link part: Chert shows it as a preview.',
		);
		const adjacent = await run({ parts: parts(text('a'), text('b')) });
		expect(adjacent.error?.description).toContain('Merge them into one text part');
		const group = await run({ to: GROUP, parts: parts(link('https://example.com')) });
		expect(group.error?.description).toContain('send links and media in a follow-up message');
		const binary = await run({ parts: parts(media('card')) }, { items: [withFile()] });
		expect(binary.error?.description).toBe(
			"The item's binary fields are: data. Put one of them in Input Binary Field.",
		);
		const noBinary = await run({ parts: parts(media()) });
		expect(noBinary.error?.description).toContain('The item has no binary data');
		expect(fake.requests).toHaveLength(0);
	});

	it('names the item that is wrong', async () => {
		const result = await run(
			{ to: '={{ $json.phone }}', options: { parallelRequests: 1 } },
			{ items: [{ json: { phone: LEAD } }, { json: { phone: 'call me' } }] },
		);
		expect(result.error?.message).toBe(
			'To must be a phone number in E.164 format, but got "call me" [item 1]',
		);
		expect(chatRequests()).toHaveLength(1);
	});
});

describe("Chert › Errors: Chert's envelope in the user's words", () => {
	it.each([
		[
			CODES.missingField,
			400,
			'from, to and message.parts are required',
			'Check From, To and Message Parts',
		],
		[CODES.invalidPhone, 400, 'Invalid phone number: +1', 'Use E.164 numbers'],
		[
			CODES.urlInFirstMessage,
			400,
			'URLs are not allowed in first-message text parts; use a rich_link part',
			'Move the link into a Rich Link part',
		],
		[CODES.tooManyParts, 400, 'A message can have at most 10 parts', 'past the tenth'],
		[CODES.adjacentText, 400, 'Adjacent text parts are not allowed', 'Merge adjacent text parts'],
	])('code %s', async (code, status, message, hint) => {
		fake.script('POST', '/api/v1/chats', fake.failure(status, code, message));
		const result = await run({});
		expect(result.error?.message).toBe(`Chert: ${message}`);
		expect(result.error?.description).toContain(hint);
		expect(result.error?.description).toMatch(
			new RegExp(`HTTP ${status}, code ${code}, trace ID trc_\\d+\\.$`),
		);
		expect(chatRequests()).toHaveLength(1);
	});

	it('takes the trace ID from the X-Trace-ID header when the body has none', async () => {
		fake.script('POST', '/api/v1/chats', {
			status: 500,
			headers: { 'x-trace-id': 'trc_from_header' },
			body: {
				success: false,
				error: { status: 500, code: 5000, message: 'Internal error', retryable: false },
			},
		});
		const result = await run({});
		expect(result.error?.message).toBe('Chert: Internal error');
		expect(result.error?.description).toContain('trace ID trc_from_header');
		expect(chatRequests()).toHaveLength(1);
	});

	it('an unreachable base URL names Chert and the cause', async () => {
		const result = await run({}, { credential: { baseUrl: 'http://127.0.0.1:9/api/v1' } });
		expect(result.error?.message).toContain('Could not reach Chert');
		expectNoSecret(result.error);
	});
});

describe('Chert › Continue On Fail', () => {
	it('keeps going past bad input and refusals, with the error fields on the failed items', async () => {
		const result = await run(
			{ from: byNumber('={{ $json.from }}'), to: '={{ $json.phone }}' },
			{
				continueOnFail: true,
				items: [
					{ json: { from: FROM, phone: LEAD } },
					{ json: { from: FROM, phone: 'nope' } },
					{ json: { from: '+15555550300', phone: LEAD } },
					{ json: { from: FROM, phone: COLLEAGUE } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(result.items[0].json.chat).toEqual(expect.objectContaining({ is_group: false }));
		expect(result.items[1].json.error).toBe(
			'To must be a phone number in E.164 format, but got "nope" [item 1]',
		);
		expect(result.items[2].json).toMatchObject({
			error: 'Chert: +15555550300 is not assigned to this tenant',
			statusCode: 403,
			code: CODES.fromNotOwned,
			traceId: expect.stringMatching(/^trc_/),
			retryable: false,
		});
		expect(result.items[3].json.chat).toEqual(expect.objectContaining({ is_group: false }));
		expect(fake.messages).toHaveLength(2);
		expectNoSecret(result.items);
	});

	it('never shows the signing secret, in either mode', async () => {
		for (const authMethod of ['bearer', 'signed'] as const) {
			const result = await run(
				{ from: byNumber('+15555550300') },
				{ continueOnFail: true, credential: { authMethod, tenantSlug: 'acme-sales' } },
			);
			expect(result.items[0].json.code).toBe(CODES.fromNotOwned);
			expectNoSecret(result.items);
		}
	});
});

describe('Chert › To: each person once, and never the sender', () => {
	it('the same number written two ways is one recipient: a direct chat, so links are allowed and no subject is sent', async () => {
		const result = await run({
			to: `${LEAD}, +1 (415) 555-1234`,
			subject: 'Team',
			parts: parts(text('Hi Sam - got a minute?'), link('https://example.com/demo')),
		});
		expect(result.error).toBeUndefined();
		expect(sentBody().to).toEqual([LEAD]);
		expect((sentBody().message as IDataObject).subject).toBeUndefined();
		expect(result.items[0].json.chat).toMatchObject({ is_group: false });
	});

	it('strips spaces, dashes, dots and parentheses to E.164, keeping the first-given order', async () => {
		await run({ to: '+1 415.555.9876; +1-415-555-1234, +1 (415) 555 9876', subject: 'Team' });
		expect(sentBody().to).toEqual([COLLEAGUE, LEAD]);
	});

	it('counts recipients after removing repeats: 31 different numbers are a group, not too many', async () => {
		const numbers = Array.from({ length: 31 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`);
		const result = await run({ to: [...numbers, numbers[0]].join(', ') });
		expect(result.error).toBeUndefined();
		expect(sentBody().to).toHaveLength(31);
	});

	it('refuses a To that contains the From number, before any request', async () => {
		const result = await run({ to: `${LEAD}, +1 555-555-0100` });
		expect(result.error?.message).toBe('To must not include the From number +15555550100 [item 0]');
		expect(result.error?.description).toContain('Remove it from To');
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Chert › Text goes out exactly as typed', () => {
	it('keeps spaces and line breaks at either end of a text part', async () => {
		const typed = '  Hi Sam,\n\nhere is the plan:\n  1. call\n';
		const result = await run({ parts: parts(text(typed)) });
		expect(result.error).toBeUndefined();
		expect((sentBody().message as IDataObject).parts).toEqual([{ type: 'text', value: typed }]);
	});

	it('keeps the group subject and preview texts as typed; links are trimmed', async () => {
		await run({
			parts: parts(
				text('The deck: '),
				link('  https://example.com/deck \n', { title: ' Q3 deck ', summary: 'Pricing\n' }),
			),
		});
		expect((sentBody().message as IDataObject).parts).toEqual([
			{ type: 'text', value: 'The deck: ' },
			{
				type: 'rich_link',
				url: 'https://example.com/deck',
				title: ' Q3 deck ',
				summary: 'Pricing\n',
			},
		]);
		await run({ to: GROUP, subject: ' Launch follow-up ', parts: parts(text(' Hello team ')) });
		expect((sentBody(1).message as IDataObject).subject).toBe(' Launch follow-up ');
	});

	it('still refuses a text part of nothing but white space', async () => {
		const result = await run({ parts: parts(text('\n \t\n')) });
		expect(result.error?.message).toBe('Message Part 1 (Text) is required [item 0]');
		expect(fake.requests).toHaveLength(0);
	});
});

/** Chert as a workflow saved with version 1 of the node runs it. */
function chertVersion1(): Chert {
	const node = new Chert();
	node.description = { ...node.description, version: 1, defaultVersion: undefined };
	return node;
}

/** The property n8n shows for a parameter, given the node's version and other values. */
function shownProperty(
	properties: INodeProperties[],
	name: string,
	values: INodeParameters,
	typeVersion?: number,
): INodeProperties | undefined {
	const node = typeVersion === undefined ? null : { typeVersion };
	return properties.find(
		(property) =>
			property.name === name && NodeHelpers.displayParameter(values, property, node, null),
	);
}

describe('Chert › To: one value for the whole list, and workflows saved with version 1', () => {
	const create = { resource: 'chat', operation: 'create' };
	const { properties } = new Chert().description;

	it('version 1.1 (new nodes) takes one text or expression for all recipients', () => {
		expect(new Chert().description.defaultVersion).toBe(1.1);
		const to = shownProperty(properties, 'to', create, 1.1);
		expect(to?.type).toBe('string');
		expect(to?.typeOptions?.multipleValues).toBeUndefined();
		expect(shownProperty(properties, 'to', create, 1)?.typeOptions?.multipleValues).toBe(true);
	});

	it('version 1 keeps its list of numbers, one per box', async () => {
		const result = await runNode({
			nodeType: chertVersion1(),
			credentialTypes: [new ChertApi()],
			credentials: chertCredential(),
			parameters: {
				...create,
				from: byNumber(FROM),
				to: [LEAD, '={{ $json.colleague }}'],
				parts: parts(text('Starting this group here.')),
			},
			items: [{ json: { colleague: COLLEAGUE } }],
		});
		expect(result.error).toBeUndefined();
		expect(sentBody().to).toEqual([LEAD, COLLEAGUE]);
	});

	it('labels the From modes so they fit their box', () => {
		const from = properties.find((property) => property.name === 'from');
		expect(from?.modes?.map((mode) => mode.displayName)).toEqual(['From List', 'Number']);
	});
});

describe('Chert › The shipped example opens and runs as saved', () => {
	const example = JSON.parse(
		readFileSync(join(__dirname, '..', 'examples', 'chert-create-chat.json'), 'utf8'),
	) as { nodes: Array<INode & { parameters: INodeParameters }> };
	const chertNode = example.nodes.find((node) => node.type.endsWith('.chert'))!;
	const leadNode = example.nodes.find((node) => node.type === 'n8n-nodes-base.set')!;
	const nodeType = new Chert();

	it('uses a version of the node, with every value in the shape its field expects', () => {
		expect(nodeType.description.version).toContain(chertNode.typeVersion);
		const { properties } = nodeType.description;
		for (const [name, value] of Object.entries(chertNode.parameters)) {
			const property = shownProperty(properties, name, chertNode.parameters, chertNode.typeVersion);
			expect(property).toBeDefined();
			if (property?.type === 'string') {
				expect(typeof value === 'string' ? 'one value' : 'a list').toBe(
					property.typeOptions?.multipleValues ? 'a list' : 'one value',
				);
			}
		}
		const from = chertNode.parameters.from as { mode: string };
		expect(
			properties.find((property) => property.name === 'from')?.modes?.map((m) => m.name),
		).toContain(from.mode);
	});

	it("texts the lead from the example's input", async () => {
		const assignments = (
			leadNode.parameters.assignments as { assignments: Array<{ name: string; value: string }> }
		).assignments;
		const lead = Object.fromEntries(assignments.map(({ name, value }) => [name, value]));
		const result = await runNode({
			nodeType,
			credentialTypes: [new ChertApi()],
			credentials: chertCredential(),
			parameters: chertNode.parameters,
			items: [{ json: lead }],
		});
		expect(result.error).toBeUndefined();
		expect(sentBody()).toMatchObject({
			from: FROM,
			to: [lead.leadPhone],
			message: {
				parts: [
					{ type: 'text', value: 'Hi Sam - got a minute for a quick demo?' },
					{ type: 'rich_link', url: lead.demoUrl },
				],
			},
		});
	});
});

describe('Chert › Credential dialog', () => {
	const { properties } = new ChertApi();

	it('marks Tenant Slug required for Signed Requests and optional for bearer', () => {
		expect(shownProperty(properties, 'tenantSlug', { authMethod: 'signed' })?.required).toBe(true);
		expect(shownProperty(properties, 'tenantSlug', { authMethod: 'bearer' })?.required).toBeFalsy();
	});

	it('keeps the Tenant Slug value in either mode', () => {
		for (const authMethod of ['bearer', 'signed']) {
			const values = NodeHelpers.getNodeParameters(
				properties,
				{ signingSecret: 's', authMethod, tenantSlug: 'acme-sales' },
				true,
				false,
				null,
				null,
			);
			expect(values?.tenantSlug).toBe('acme-sales');
		}
	});

	it('signs a file as its bytes and sends those bytes unchanged', async () => {
		const bytes = Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x0a]);
		const signed = await new ChertApi().authenticate(
			{ signingSecret: 'chert_ss_test_1234', authMethod: 'signed', tenantSlug: 'acme-sales' },
			{ method: 'PUT', url: 'https://example.test/upload', body: bytes, headers: {} },
		);
		expect(signed.body).toBe(bytes);
		expect(signed.headers?.['Content-Type']).toBeUndefined();
		const [, timestamp, digest] = String(signed.headers?.['x-chert-signature']).split(',');
		const expected = createHmac('sha256', 'chert_ss_test_1234')
			.update(Buffer.concat([Buffer.from(`${timestamp}.`), bytes]))
			.digest('hex');
		expect(digest).toBe(expected);
	});

	it("links to this package's README sections on Chert", () => {
		const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
		const anchors = [...readme.matchAll(/^#+ (.+)$/gm)].map(([, title]) =>
			title
				.toLowerCase()
				.replace(/[^a-z0-9 -]/g, '')
				.replace(/ /g, '-'),
		);
		const { homepage } = JSON.parse(
			readFileSync(join(__dirname, '..', 'package.json'), 'utf8'),
		) as { homepage: string };
		const repository = homepage.replace(/#.*$/, '');
		const codex = JSON.parse(
			readFileSync(join(__dirname, '..', 'nodes', 'Chert', 'Chert.node.json'), 'utf8'),
		) as { resources: Record<string, Array<{ url: string }>> };
		const links = {
			credential: new ChertApi().documentationUrl,
			codexCredential: codex.resources.credentialDocumentation[0].url,
			codexPrimary: codex.resources.primaryDocumentation[0].url,
		};
		expect(links).toEqual({
			credential: `${repository}#credential-chert-api`,
			codexCredential: `${repository}#credential-chert-api`,
			codexPrimary: `${repository}#chert`,
		});
		expect(anchors).toEqual(expect.arrayContaining(['chert', 'credential-chert-api']));
	});
});

describe('Chert › As an AI Agent tool: every field says what it takes', () => {
	const fields = (list: INodeProperties[]): INodeProperties[] =>
		list.flatMap((property) => [
			property,
			...fields((property.options ?? []).filter((o): o is INodeProperties => 'type' in o)),
			...(property.options ?? []).flatMap((o) =>
				'values' in o ? fields(o.values as INodeProperties[]) : [],
			),
		]);
	const { properties } = new Chert().description;

	it('describes every field of Create Chat', () => {
		const undescribed = fields(properties)
			// n8n's own selectors and the Options collection explain themselves.
			.filter((property) => !['resource', 'operation', 'options'].includes(property.name))
			.filter((property) => !property.description)
			.map((property) => property.displayName);
		expect(undescribed).toEqual([]);
	});

	it('says where From comes from and what To takes', () => {
		const described = (name: string) =>
			properties.filter((property) => property.name === name).map((p) => p.description);
		for (const description of described('from')) {
			expect(description).toMatch(/From List/);
			expect(description).toMatch(/E\.164/);
		}
		for (const description of described('to')) {
			expect(description).toMatch(/E\.164/);
			expect(description).toMatch(/2 to 31/);
			expect(description).toMatch(/From number/);
		}
	});
});

/** Opens a chat through Create Chat, as the first node of a follow-up workflow does. */
async function openChat(to = LEAD, credential: Credential = {}): Promise<string> {
	const result = await run({ to }, { credential, executionId: `open-${to}-${Math.random()}` });
	expect(result.error).toBeUndefined();
	return (result.items[0].json.chat as IDataObject).id as string;
}

function followUp(
	parameters: INodeParameters,
	extra: Partial<RunNodeOptions> & { credential?: Credential } = {},
) {
	return run({ resource: 'message', operation: 'send', ...parameters }, extra);
}

function listMessages(
	parameters: INodeParameters,
	extra: Partial<RunNodeOptions> & { credential?: Credential } = {},
) {
	return run({ resource: 'message', operation: 'getMany', ...parameters }, extra);
}

const sendRequests = () => fake.requestsTo('POST', /^\/api\/v1\/chats\/[^/]+\/messages$/);
const sentMessage = (index = 0) =>
	(sendRequests()[index].body as IDataObject).message as IDataObject;
const outbound = (chatId: string) =>
	fake.messages.filter((m) => m.chatId === chatId && m.direction === 'outbound');

describe('Chert › Message › Send: a follow-up in an existing chat', () => {
	it('posts the parts wrapped in message, with an idempotency key, to the chat from Create Chat', async () => {
		const chatId = await openChat();
		const result = await followUp(
			{
				chatId: '={{ $json.chatId }}',
				parts: parts(text('How about 3pm PT?')),
			},
			{ items: [{ json: { chatId } }] },
		);
		expect(result.error).toBeUndefined();
		const [request] = sendRequests();
		expect(request.path).toBe(`/api/v1/chats/${chatId}/messages`);
		expect(request.body).toEqual({
			message: {
				parts: [{ type: 'text', value: 'How about 3pm PT?' }],
				idempotency_key: expect.stringMatching(/^n8n-[0-9a-f]{48}$/),
			},
		});
		expect(result.items[0].json.message).toMatchObject({
			chat_id: chatId,
			direction: 'outbound',
			parts: [{ type: 'text', value: 'How about 3pm PT?' }],
		});
		expect(outbound(chatId)).toHaveLength(2);
	});

	it('allows a URL in the text of a follow-up (only a first message refuses it)', async () => {
		const chatId = await openChat();
		const result = await followUp({
			chatId,
			parts: parts(text('Slides: https://example.com/deck'), link('https://example.com/demo')),
		});
		expect(result.error).toBeUndefined();
		expect(sentMessage().parts).toEqual([
			{ type: 'text', value: 'Slides: https://example.com/deck' },
			{ type: 'rich_link', url: 'https://example.com/demo' },
		]);
	});

	it('sends rich links and files in a group chat, which its first message could not carry', async () => {
		const chatId = await openChat(GROUP);
		const result = await followUp(
			{
				chatId,
				parts: parts(media(), text('Our card, and the deck:'), link('https://example.com/deck')),
			},
			{ items: [withFile()] },
		);
		expect(result.error).toBeUndefined();
		const [attachment] = fake.attachments.values();
		expect(attachment.bytes?.toString('utf8')).toBe(VCARD);
		expect(sentMessage().parts).toEqual([
			{ type: 'media', attachment_id: attachment.id },
			{ type: 'text', value: 'Our card, and the deck:' },
			{ type: 'rich_link', url: 'https://example.com/deck' },
		]);
		expect(fake.chats.get(chatId)?.to).toHaveLength(2);
	});

	it('signs the follow-up over its exact bytes', async () => {
		const signed = { authMethod: 'signed', tenantSlug: 'acme-sales' } as const;
		const chatId = await openChat(LEAD, signed);
		const result = await followUp(
			{ chatId, parts: parts(text('Olá – 3pm?')) },
			{ credential: signed },
		);
		expect(result.error).toBeUndefined();
		expect(signatureOf(sendRequests()[0], fake.singleTenant.signingSecret).valid).toBe(true);
	});

	it('a chat Chert does not know (2002) says where the chat ID comes from', async () => {
		const result = await followUp({
			chatId: '0f2d3c1a-8b4e-4f6a-90d2-1a3b4c5d6e7f',
			parts: parts(text('Hi again')),
		});
		expect(result.error?.message).toBe(
			'Chert: Chat 0f2d3c1a-8b4e-4f6a-90d2-1a3b4c5d6e7f not found',
		);
		expect(result.error?.description).toContain("chat ID from Create Chat's output");
		expect(result.error?.description).toMatch(/HTTP 404, code 2002, trace ID trc_\d+/);
		expect(sendRequests()).toHaveLength(1);
	});

	it("a chat of another tenant is not found (2002): Chert's chats are per tenant", async () => {
		const chatId = await openChat();
		const result = await followUp(
			{ chatId, parts: parts(text('Hi')) },
			{
				credential: { signingSecret: fake.multiTenant.signingSecret, tenantSlug: 'globex-west' },
			},
		);
		expect(result.error?.description).toContain('code 2002');
		expect(outbound(chatId)).toHaveLength(1);
	});
});

describe('Chert › Message › Send: bad input is refused before any request', () => {
	const eleven = Array.from({ length: 11 }, (_, i) =>
		i % 2 === 0 ? text(`Part ${i}`) : link(`https://example.com/${i}`),
	);
	it.each([
		['no Chat ID', { chatId: '={{ "" }}' }, 'Chat ID is required [item 0]'],
		[
			'a Chat ID that is not one',
			{ chatId: '../phone-numbers' },
			'Chat ID "../phone-numbers" is not a chat ID [item 0]',
		],
		// Found by the reliability matrix: both went to Chert, the first as "Chat 42 not found".
		[
			'a bare number (not a chat ID)',
			{ chatId: '={{ 42 }}' },
			'Chat ID "42" is not a chat ID [item 0]',
		],
		[
			'100,000 characters',
			{ chatId: `={{ "${'x'.repeat(1000)}".repeat(100) }}` },
			'Chat ID must be at most 200 characters, but has 100000 [item 0]',
		],
		['no parts', { parts: parts() }, 'Message Parts must have at least one part [item 0]'],
		[
			'11 parts',
			{ parts: parts(...eleven) },
			'Message Parts must have at most 10 parts, but there are 11 [item 0]',
		],
		[
			'two text parts in a row',
			{ parts: parts(text('Hi'), text('there')) },
			'Message Parts 1 and 2 are both text [item 0]',
		],
		[
			'a link that is not a web address',
			{ parts: parts(link('example.com/demo')) },
			'Message Part 1 (Rich Link) Link',
		],
		[
			'a file the item does not have',
			{ parts: parts(media('attachment')) },
			'Message Part 1 (Media) names the binary field "attachment", but the input item has no such field [item 0]',
		],
	])('%s', async (_, parameters, message) => {
		const result = await followUp({ chatId: 'chat-1', parts: parts(text('Hi')), ...parameters });
		expect(result.error?.message).toContain(message);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Chert › Message › Send: never sent twice, retried safely', () => {
	it('the key depends on execution, node and item: a re-run of the execution makes Chert replay', async () => {
		const chatId = await openChat();
		// Different input content, so the node's memory of the first run does not answer.
		const first = await followUp(
			{ chatId },
			{ executionId: 'exec-send', items: [{ json: { attempt: 1 } }] },
		);
		const again = await followUp(
			{ chatId },
			{ executionId: 'exec-send', items: [{ json: { attempt: 2 } }] },
		);
		const other = await followUp({ chatId }, { executionId: 'exec-other' });
		expect(sentMessage(0).idempotency_key).toBe(sentMessage(1).idempotency_key);
		expect(sentMessage(2).idempotency_key).not.toBe(sentMessage(0).idempotency_key);
		expect((again.items[0].json.message as IDataObject).id).toBe(
			(first.items[0].json.message as IDataObject).id,
		);
		expect(other.error).toBeUndefined();
		expect(outbound(chatId)).toHaveLength(3);
	});

	it('a dropped connection after Chert sent it: re-sent with the same key and bytes, one message', async () => {
		const chatId = await openChat();
		fake.loseNextAnswer = true;
		const result = await followUp({ chatId });
		expect(result.error).toBeUndefined();
		expect(sendRequests()).toHaveLength(2);
		expect(sendRequests()[1].rawBody).toBe(sendRequests()[0].rawBody);
		expect(outbound(chatId)).toHaveLength(2);
		expect((result.items[0].json.message as IDataObject).id).toBe(outbound(chatId)[1].id);
	});

	it('retries an error Chert marks retryable; never one it marks not retryable', async () => {
		const chatId = await openChat();
		const messages = /^\/api\/v1\/chats\/[^/]+\/messages$/;
		fake.script(
			'POST',
			messages,
			fake.failure(502, CODES.deliveryFailed, 'Downstream delivery failed', true),
		);
		expect((await followUp({ chatId })).error).toBeUndefined();
		expect(sendRequests()).toHaveLength(2);
		fake.script(
			'POST',
			messages,
			fake.failure(503, CODES.linesSaturated, 'All sender lines are saturated', false),
		);
		const refused = await followUp({ chatId }, { executionId: 'exec-saturated' });
		expect(refused.error?.message).toBe('Chert: All sender lines are saturated');
		expect(sendRequests()).toHaveLength(3);
	});

	it('429: waits for Retry-After, then sends once', async () => {
		const chatId = await openChat();
		fake.script('POST', /^\/api\/v1\/chats\/[^/]+\/messages$/, fake.rateLimited(1));
		const started = Date.now();
		const result = await followUp({ chatId });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(outbound(chatId)).toHaveLength(2);
	});

	it("uses the user's own key", async () => {
		const chatId = await openChat();
		await followUp({ chatId, options: { idempotencyKey: 'followup-day-3' } });
		expect(sentMessage().idempotency_key).toBe('followup-day-3');
	});

	it('Continue On Fail: one bad item among good ones, each output paired with its input', async () => {
		const chatId = await openChat();
		const result = await followUp(
			{ chatId: '={{ $json.chatId }}', parts: parts(text('={{ $json.text }}')) },
			{
				continueOnFail: true,
				items: [
					{ json: { chatId, text: 'First' } },
					{ json: { chatId: '', text: 'Second' } },
					{ json: { chatId: 'no-such-chat', text: 'Third' } },
					{ json: { chatId, text: 'Fourth' } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(result.items[1].json.error).toBe('Chat ID is required [item 1]');
		expect(result.items[2].json).toMatchObject({ code: CODES.chatNotFound, statusCode: 404 });
		expect(outbound(chatId).map((m) => (m.parts[0] as IDataObject).value)).toEqual([
			'Hi Sam - got a minute?',
			'First',
			'Fourth',
		]);
		expectNoSecret(result.items);
	});
});

describe("Chert › Message › Get Many: a chat's messages, sent and received", () => {
	it('one item per message, oldest first, replies included', async () => {
		const chatId = await openChat();
		fake.receive(chatId, 'Sure, what time?');
		const result = await listMessages({ chatId, returnAll: true });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('GET', `/api/v1/chats/${chatId}/messages`)).toHaveLength(1);
		expect(
			result.items.map((i) => [i.json.direction, (i.json.parts as IDataObject[])[0].value]),
		).toEqual([
			['outbound', 'Hi Sam - got a minute?'],
			['inbound', 'Sure, what time?'],
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('Limit keeps the most recent messages, still oldest first', async () => {
		const chatId = await openChat();
		for (const reply of ['One', 'Two', 'Three']) fake.receive(chatId, reply);
		const result = await listMessages({ chatId, returnAll: false, limit: 2 });
		expect(result.items.map((i) => (i.json.parts as IDataObject[])[0].value)).toEqual([
			'Two',
			'Three',
		]);
	});

	it('a chat with no messages gives no items', async () => {
		const chatId = await openChat();
		fake.messages.length = 0;
		const result = await listMessages({ chatId, returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(0);
	});

	it('a read is retried: 429 waited out, a retryable 5xx tried again', async () => {
		const chatId = await openChat();
		const path = `/api/v1/chats/${chatId}/messages`;
		fake.script(
			'GET',
			path,
			fake.rateLimited(0),
			fake.failure(503, 3002, 'Delivery unavailable', true),
		);
		const result = await listMessages({ chatId, returnAll: true });
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('GET', path)).toHaveLength(3);
		expect(result.items).toHaveLength(1);
	});

	it('an unknown chat is refused by Chert with 2002', async () => {
		const result = await listMessages({ chatId: 'no-such-chat', returnAll: true });
		expect(result.error?.message).toBe('Chert: Chat no-such-chat not found');
		expect(result.error?.description).toMatch(/HTTP 404, code 2002, trace ID trc_\d+/);
	});

	it('refuses a Limit below 1 from an expression before any request', async () => {
		const result = await listMessages({ chatId: 'chat-1', returnAll: false, limit: '={{ 0 }}' });
		expect(result.error?.message).toBe(
			'Limit must be a whole number of at least 1, but got "0" [item 0]',
		);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Chert › A 403 without a code the node knows', () => {
	// Found by the reliability matrix: the error carried Chert's words and trace ID, but no hint.
	it('says what to check, with Chert’s words, status and trace ID', async () => {
		fake.script('POST', '/api/v1/chats', {
			status: 403,
			headers: { 'x-trace-id': 'trc_403' },
			body: {
				success: false,
				error: { status: 403, code: 2099, message: 'Forbidden for this key', retryable: false },
				trace_id: 'trc_403',
			},
		});
		const result = await run({});
		expect(result.error?.message).toBe('Chert: Forbidden for this key');
		expect(result.error?.description).toBe(
			"Chert refused this request for the credential's tenant. Check Tenant Slug and that the From number belongs to that tenant; if both are right, ask Chert's support, quoting the trace ID. Chert answered with HTTP 403, code 2099, trace ID trc_403.",
		);
		expect(chatRequests()).toHaveLength(1);
	});
});

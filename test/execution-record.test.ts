import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ChatwootApi } from '../credentials/ChatwootApi.credentials';
import { Chatwoot } from '../nodes/Chatwoot/Chatwoot.node';
import { runNode } from './engine/run-node';
import { ChatwootFake } from '../fakes/chatwoot';

const fake = new ChatwootFake();
const INBOX = 'inboxApiSecret123';

beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

describe('the execution record of an unrepeatable create', () => {
	// Found by the reliability matrix: 1,000 items with server errors among them. Once the record of
	// sent and uncertain items outgrew n8n's 512 characters of custom data, every later item of the
	// same try was taken for one an earlier try may have sent, and refused without a request.
	it('does not refuse later items of the same try once the record is too long to keep', async () => {
		const sourceId = fake.addContact(INBOX);
		const count = 600;
		const failing = (i: number) => i % 3 === 1;
		fake.scriptFor(
			'POST',
			/\/conversations$/,
			'"tag":"fail"',
			...Array.from({ length: count / 3 }, () => ({
				status: 500,
				body: { status: 500, error: 'Internal Server Error' },
			})),
		);
		const result = await runNode({
			nodeType: new Chatwoot(),
			credentialTypes: [new ChatwootApi()],
			parameters: {
				resource: 'conversation',
				operation: 'create',
				contactIdentifier: sourceId,
				customAttributes: { attribute: [{ key: 'tag', value: '={{ $json.tag }}' }] },
				// A few at a time, so that later items start after the record has outgrown its limit.
				options: { parallelRequests: 4 },
			},
			continueOnFail: true,
			items: Array.from({ length: count }, (_, i) => ({
				json: { tag: failing(i) ? 'fail' : `ok-${i}` },
			})),
			credentials: {
				chatProvidersChatwootApi: {
					baseUrl: fake.baseUrl,
					inboxSecret: INBOX,
					contactIdentifier: '',
					hmacToken: '',
				} as ICredentialDataDecryptedObject,
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(count);
		const refused = result.items.filter((i) => /may already exist/.test(String(i.json.error)));
		expect(refused).toHaveLength(0);
		expect(fake.requestsTo('POST', /\/conversations$/)).toHaveLength(count);
		expect(fake.conversations).toHaveLength((count * 2) / 3);
		result.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			if (failing(i)) expect(item.json.error).toBe('Chatwoot: Internal Server Error');
			else expect(item.json.id).toEqual(expect.any(Number));
		});
	});
});

import type { INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../engine/run-node';
import { FakeServer } from '../../fakes/fake-server';
import { OAuth2TokenEndpoint } from '../../fakes/oauth2-token-endpoint';
import {
	connectedTestOAuth2,
	TEST_OAUTH2_CLIENT,
	testApiKeyCredential,
	testEchoNode,
	testOAuth2Credential,
} from './test-node';

/** What reading a credential costs per node run: n8n reads it from its database and decrypts it. */
const fake = new FakeServer();
const tokens = new OAuth2TokenEndpoint(TEST_OAUTH2_CLIENT);

beforeAll(async () => {
	tokens.mount(fake);
	fake.route('POST', '/echo', async (request) => {
		const bearer = tokens.bearer(request);
		if (bearer !== undefined && !tokens.isValidAccessToken(bearer)) {
			return { status: 401, body: { message: 'token expired' } };
		}
		return { status: 200, body: { echoed: (request.body as { text: string }).text } };
	});
	await fake.start();
});
afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

const items = (count: number): INodeExecutionData[] =>
	Array.from({ length: count }, (_, i) => ({ json: { text: `item ${i}` } }));

describe('credential reads per node run', () => {
	it('a credential that signs requests itself is read once, however many requests and retries', async () => {
		fake.script('POST', '/echo', { status: 503, body: { message: 'unavailable' } });
		const result = await runNode({
			nodeType: testEchoNode('testApiKey'),
			credentialTypes: [testApiKeyCredential],
			credentials: { testApiKey: { apiKey: 'super-secret-key' } },
			parameters: { baseUrl: fake.baseUrl, text: '={{ $json.text }}', idempotent: true },
			items: items(20),
		});
		expect(result.items).toHaveLength(20);
		expect(fake.requestsTo('POST', '/echo')).toHaveLength(21);
		expect(result.credentialsHelper.reads).toBe(1);
	});

	it('an OAuth2 credential is read once, once more by the refresh, and once again for the new token', async () => {
		const grant = tokens.issueGrant();
		tokens.expireAccessTokens();
		const result = await runNode({
			nodeType: testEchoNode('testOAuth2'),
			credentialTypes: [testOAuth2Credential],
			credentials: { testOAuth2: connectedTestOAuth2(fake.baseUrl, grant) },
			parameters: {
				baseUrl: fake.baseUrl,
				text: '={{ $json.text }}',
				options: { parallelRequests: 1 },
			},
			items: items(10),
		});
		expect(result.items).toHaveLength(10);
		// 11 requests (the first one saw 401) signed from this run's copy; n8n-core alone would read
		// the credential for each of them (12 reads).
		expect(fake.requestsTo('POST', '/echo')).toHaveLength(11);
		expect(result.credentialsHelper.reads).toBe(3);
		expect(tokens.refreshLog.map((entry) => entry.outcome)).toEqual(['ok']);
	});
});

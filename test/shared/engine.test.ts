import { FakeServer, header } from '../../fakes/fake-server';
import { OAuth2TokenEndpoint } from '../../fakes/oauth2-token-endpoint';
import { runNode } from '../engine/run-node';
import {
	connectedTestOAuth2,
	TEST_OAUTH2_CLIENT,
	testApiKeyCredential,
	testEchoNode,
	testOAuth2Credential,
} from './test-node';

const API_KEY = 'super-secret-key';

describe('engine: a node run through n8n-core WorkflowExecute', () => {
	const fake = new FakeServer();
	const tokens = new OAuth2TokenEndpoint(TEST_OAUTH2_CLIENT);

	beforeAll(async () => {
		tokens.mount(fake);
		fake.route('POST', '/echo', (request) => {
			const bearer = tokens.bearer(request);
			if (bearer !== undefined && !tokens.isValidAccessToken(bearer)) {
				return { status: 401, body: { message: 'token expired' } };
			}
			const body = request.body as { text: string };
			if (body.text === 'fail')
				return { status: 400, body: { message: 'text may not be fail', code: 'E_FAIL' } };
			return { status: 200, body: { echoed: body.text } };
		});
		await fake.start();
	});
	afterAll(async () => await fake.stop());
	beforeEach(() => fake.reset());

	const apiKeyRun = (
		parameters: Record<string, unknown>,
		items = [{ json: {} }],
		continueOnFail = false,
	) =>
		runNode({
			nodeType: testEchoNode('testApiKey'),
			credentialTypes: [testApiKeyCredential],
			credentials: { testApiKey: { apiKey: API_KEY, baseUrl: fake.baseUrl } },
			parameters: { baseUrl: fake.baseUrl, ...parameters },
			items,
			continueOnFail,
		});

	it("applies the credential type's own authenticate: the API key header arrives", async () => {
		const result = await apiKeyRun({ text: 'hello' });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([{ echoed: 'hello' }]);
		expect(header(fake.requests[0], 'x-api-key')).toBe(API_KEY);
	});

	it('resolves expressions per item', async () => {
		const result = await apiKeyRun({ text: '={{ $json.name }}!' }, [
			{ json: { name: 'Ada' } },
			{ json: { name: 'Grace' } },
		]);
		expect(result.items.map((i) => i.json.echoed)).toEqual(['Ada!', 'Grace!']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('with Continue On Fail, a failed item becomes an error item and the others succeed', async () => {
		const result = await apiKeyRun(
			{ text: '={{ $json.text }}' },
			[
				{ json: { text: 'a' } },
				{ json: { text: 'fail' } },
				{ json: { text: '' } },
				{ json: { text: 'b' } },
			],
			true,
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items[0].json).toEqual({ echoed: 'a' });
		expect(result.items[1].json.error).toBe('Test Provider: text may not be fail');
		expect(result.items[1].json.code).toBe('E_FAIL');
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[2].json.error).toBe('Text is required [item 2]');
		expect(result.items[3].json).toEqual({ echoed: 'b' });
		expect(fake.requests).toHaveLength(3);
		expect(JSON.stringify(result.items)).not.toContain(API_KEY);
	});

	it("without Continue On Fail, the node fails with the provider's message", async () => {
		const result = await apiKeyRun({ text: 'fail' });
		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe('Test Provider: text may not be fail');
		expect(result.error?.description).toContain('code E_FAIL');
		expect(JSON.stringify(result.error)).not.toContain(API_KEY);
	});

	it('refreshes an expired OAuth2 token at the token endpoint, saves it, and retries', async () => {
		const grant = tokens.issueGrant();
		tokens.expireAccessTokens();
		const result = await runNode({
			nodeType: testEchoNode('testOAuth2'),
			credentialTypes: [testOAuth2Credential],
			credentials: { testOAuth2: connectedTestOAuth2(fake.baseUrl, grant) },
			parameters: { baseUrl: fake.baseUrl, text: 'hi' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([{ echoed: 'hi' }]);
		expect(fake.requestsTo('POST', '/echo')).toHaveLength(2);
		expect(tokens.refreshLog).toEqual([{ refreshToken: grant.refresh_token, outcome: 'ok' }]);
		expect(result.tokenUpdates).toHaveLength(1);
		expect(result.tokenUpdates[0].oauthTokenData.refresh_token).not.toBe(grant.refresh_token);
	});
});

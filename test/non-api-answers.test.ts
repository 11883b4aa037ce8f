import type { ICredentialType, INodeParameters, INodeType } from 'n8n-workflow';

import { ChatwootApi } from '../credentials/ChatwootApi.credentials';
import { ChertApi } from '../credentials/ChertApi.credentials';
import { FanvueOAuth2Api } from '../credentials/FanvueOAuth2Api.credentials';
import { RecoupApi } from '../credentials/RecoupApi.credentials';
import { Chatwoot } from '../nodes/Chatwoot/Chatwoot.node';
import { Chert } from '../nodes/Chert/Chert.node';
import { Fanvue } from '../nodes/Fanvue/Fanvue.node';
import { Recoup } from '../nodes/Recoup/Recoup.node';
import { mayHaveReachedProvider } from '../nodes/shared/request';
import { runNode, type RunNodeOptions } from './engine/run-node';
import type { FakeResponse, FakeServer } from '../fakes/fake-server';
import { ChatwootFake } from '../fakes/chatwoot';
import { ChertFake } from '../fakes/chert';
import { FanvueFake } from '../fakes/fanvue';
import { RecoupFake } from '../fakes/recoup';

/**
 * What a proxy, load balancer or CDN in front of a provider answers instead of the provider's
 * API, for every node: the title names the HTTP status, the description says what the answer
 * was, with at most a short plain-text excerpt, and keeps the provider's hint.
 */
const recoup = new RecoupFake();
const chert = new ChertFake();
const chatwoot = new ChatwootFake();
const fanvue = new FanvueFake();

const CLOUDFLARE_502 = `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<html lang="en-US"><head>
<title>example.com | 502: Bad gateway</title>
<style>body{font-family:sans-serif}</style>
<script>window.__cf = { ray: "8f1c2e" };</script>
</head><body><div id="cf-wrapper"><h1>Bad gateway <span>Error code 502</span></h1>
<p>The web server reported a bad gateway error.</p>${'<p>filler</p>'.repeat(200)}</div></body></html>`;

const NGINX_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

interface NodeCase {
	name: string;
	fake: FakeServer;
	method: string;
	path: RegExp;
	/** The status whose hint the provider gives, kept in the description. */
	hint: string;
	/** What the create's answer must hold, as its error names it. */
	needs: string;
	/** The create carries a key or a client-made ID: a second try cannot create twice. */
	idempotent: boolean;
	run(): Promise<Awaited<ReturnType<typeof runNode>>>;
	secrets(): string[];
}

function runWith(
	nodeType: INodeType,
	credentialType: ICredentialType,
	credentials: RunNodeOptions['credentials'],
	parameters: INodeParameters,
) {
	return runNode({ nodeType, credentialTypes: [credentialType], credentials, parameters });
}

let fanvueGrant: { access_token: string; refresh_token: string };

const cases: NodeCase[] = [
	{
		name: 'Recoup',
		needs: "the chat's ID",
		idempotent: true,
		fake: recoup,
		method: 'POST',
		path: /^\/api\/chats$/,
		hint: 'try again later',
		secrets: () => [recoup.apiKey],
		run: async () =>
			await runWith(
				new Recoup(),
				new RecoupApi(),
				{ chatProvidersRecoupApi: { apiKey: recoup.apiKey, baseUrl: recoup.baseUrl } },
				{
					resource: 'chat',
					operation: 'create',
					artist: { __rl: true, mode: 'id', value: recoup.artists[0].id },
					topic: 'Tour',
				},
			),
	},
	{
		name: 'Chert',
		needs: "the created chat's ID",
		idempotent: true,
		fake: chert,
		method: 'POST',
		path: /\/chats$/,
		hint: 'Try again later',
		secrets: () => [chert.singleTenant.signingSecret],
		run: async () =>
			await runWith(
				new Chert(),
				new ChertApi(),
				{
					chatProvidersChertApi: {
						signingSecret: chert.singleTenant.signingSecret,
						baseUrl: chert.apiBaseUrl,
						authMethod: 'bearer',
						tenantSlug: '',
					},
				},
				{
					resource: 'chat',
					operation: 'create',
					from: { __rl: true, mode: 'number', value: '+15555550100' },
					to: ['+14155551234'],
					parts: { part: [{ type: 'text', text: 'Hi Sam' }] },
				},
			),
	},
	{
		name: 'Chatwoot',
		needs: "the created conversation's ID",
		idempotent: false,
		fake: chatwoot,
		method: 'POST',
		path: /\/conversations$/,
		hint: 'look at the contact',
		secrets: () => ['inboxApiSecret123'],
		run: async () =>
			await runWith(
				new Chatwoot(),
				new ChatwootApi(),
				{
					chatProvidersChatwootApi: {
						baseUrl: chatwoot.baseUrl,
						inboxSecret: 'inboxApiSecret123',
						contactIdentifier: '',
						hmacToken: '',
					},
				},
				{
					resource: 'conversation',
					operation: 'create',
					contactIdentifier: chatwoot.addContact('inboxApiSecret123'),
				},
			),
	},
	{
		name: 'Fanvue',
		needs: "Fanvue's confirmation",
		idempotent: false,
		fake: fanvue,
		method: 'POST',
		path: /\/chats$/,
		hint: 'could open the chat twice',
		secrets: () => [fanvue.clientSecret, fanvueGrant.access_token, fanvueGrant.refresh_token],
		run: async () =>
			await runWith(
				new Fanvue(),
				new FanvueOAuth2Api(),
				{
					chatProvidersFanvueOAuth2Api: {
						grantType: 'pkce',
						clientId: fanvue.clientId,
						clientSecret: fanvue.clientSecret,
						accessTokenUrl: `${fanvue.baseUrl}/oauth2/token`,
						authUrl: `${fanvue.baseUrl}/oauth2/auth`,
						authentication: 'header',
						scope: 'read:chat write:chat',
						apiBaseUrl: fanvue.baseUrl,
						oauthTokenData: { ...fanvueGrant, token_type: 'bearer' },
					},
				},
				{
					resource: 'chat',
					operation: 'create',
					fan: { __rl: true, mode: 'id', value: fanvue.fans[0].uuid },
				},
			),
	},
];

beforeAll(async () => {
	for (const { fake } of cases) await fake.start();
});
afterAll(async () => {
	for (const { fake } of cases) await fake.stop();
});
beforeEach(() => {
	for (const { fake } of cases) fake.reset();
	fanvueGrant = fanvue.tokens.issueGrant();
});

/** The same answer for every try, so retries of idempotent requests see it too (at once). */
function scriptEveryTry(node: NodeCase, answer: FakeResponse) {
	const headers = { 'retry-after': '0', ...answer.headers };
	node.fake.script(
		node.method,
		node.path,
		...Array.from({ length: 6 }, () => ({ ...answer, headers })),
	);
}

describe.each(cases)('$name › an answer that is not the provider API', (node) => {
	it("a CDN's HTML error page: titled by its status, with the page's title as the only excerpt", async () => {
		scriptEveryTry(node, {
			status: 502,
			headers: { 'content-type': 'text/html; charset=UTF-8' },
			body: CLOUDFLARE_502,
		});
		const { error } = await node.run();
		expect(error?.message).toBe(`${node.name}: HTTP 502 Bad Gateway`);
		expect(error?.description).toContain(
			`The answer was not from ${node.name}'s API: it was an HTML page ("example.com | 502: Bad gateway")`,
		);
		expect(error?.description).toContain(node.hint);
		expect(error?.description).toContain(`${node.name} answered with HTTP 502`);
		const everything = JSON.stringify(error);
		expect(everything).not.toContain('<');
		expect(everything).not.toContain('filler');
		for (const secret of node.secrets()) expect(everything).not.toContain(secret);
	});

	it("nginx's page without a content type", async () => {
		scriptEveryTry(node, { status: 502, headers: { 'content-type': '' }, body: NGINX_502 });
		const { error } = await node.run();
		expect(error?.message).toBe(`${node.name}: HTTP 502 Bad Gateway`);
		expect(error?.description).toContain('it was an HTML page ("502 Bad Gateway")');
	});

	it.each([
		[
			'plain text',
			'upstream connect error or disconnect/reset before headers',
			'plain text ("upstream connect error',
		],
		['an empty body', '', 'it was an empty body.'],
		[
			'broken JSON',
			'{"error": {"message": "Internal',
			'broken JSON ("{"error": {"message": "Internal")',
		],
	])('%s', async (_kind, body, expected) => {
		scriptEveryTry(node, { status: 503, headers: { 'content-type': 'text/plain' }, body });
		const { error } = await node.run();
		expect(error?.message).toBe(`${node.name}: HTTP 503 Service Unavailable`);
		expect(error?.description).toContain(expected);
		expect(error?.description).toContain(`${node.name} answered with HTTP 503`);
	});

	it('an HTML page with status 200 (a Base URL that points at a website) is an error, not a result', async () => {
		scriptEveryTry(node, {
			status: 200,
			headers: { 'content-type': 'text/html' },
			body: '<html><head><title>Sign in</title></head><body>…</body></html>',
		});
		const { error, items } = await node.run();
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(`${node.name}: HTTP 200 OK`);
		expect(error?.description).toContain(`Check the Base URL in the ${node.name} credential`);
	});

	// Found by the reliability matrix: a 2xx whose body is not the API's answer was taken as the
	// created chat. The provider may have acted: a create without a key is marked so.
	it.each([
		['plain text', 'text/plain', 'OK', 'plain text ("OK")'],
		['JSON cut short', 'application/json', '{"id": 12, "status": "op', 'broken JSON ("{"id": 12'],
	])(
		'a 2xx with %s is an error that says the provider may have acted',
		async (_k, type, body, kind) => {
			scriptEveryTry(node, { status: 200, headers: { 'content-type': type }, body });
			const { error, items } = await node.run();
			expect(items).toHaveLength(0);
			expect(error?.message).toBe(`${node.name}: HTTP 200 OK`);
			expect(error?.description).toContain(`it was ${kind}`);
			expect(error?.description).toContain('it may have acted on the request all the same');
			expect(mayHaveReachedProvider(error)).toBe(!node.idempotent);
		},
	);

	it.each([
		['an empty body', { status: 200, body: '' }, 'an empty body'],
		[
			'null',
			{ status: 200, body: 'null', headers: { 'content-type': 'application/json' } },
			'null',
		],
		['a list', { status: 201, body: [] }, 'an empty list'],
	])(
		'a 2xx with %s, where a create returns what it made, is an error',
		async (_k, answer, kind) => {
			scriptEveryTry(node, answer);
			const { error, items } = await node.run();
			expect(items).toHaveLength(0);
			expect(error?.message).toBe(
				`${node.name}: answered without ${node.needs} (HTTP ${answer.status})`,
			);
			expect(error?.description).toContain(
				`${node.name} answered HTTP ${answer.status} with ${kind}, where its API returns ${node.needs}.`,
			);
			expect(error?.description).toContain(
				`${node.name} may have acted on the request all the same`,
			);
			expect(mayHaveReachedProvider(error)).toBe(!node.idempotent);
		},
	);
});

// Fanvue's create answers a message and no ID: any object fits it.
describe.each(cases.filter((node) => node.name !== 'Fanvue'))('$name › a 2xx object', (node) => {
	it('without the field the create needs is an error', async () => {
		scriptEveryTry(node, { status: 201, body: { status: 'success' } });
		const { error } = await node.run();
		expect(error?.message).toBe(`${node.name}: answered without ${node.needs} (HTTP 201)`);
		expect(error?.description).toContain('with an object without it');
	});
});

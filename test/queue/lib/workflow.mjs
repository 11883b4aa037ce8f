// The queue test's fakes, credentials and webhook workflow: each call of the webhook opens one
// chat on every provider, for a lead of its own (number `n` in the body), so that every chat a
// fake holds names the call it came from and a second chat for one call is a duplicate.
import { packageName } from '../../../scripts/lib/package.mjs';
import { fanvueOAuth2Credential } from '../../e2e/lib/fanvue-credential.mjs';

export const WORKFLOW_ID = 'queueChatsWorkflow1';
export const WEBHOOK_PATH = 'queue-chats';
export const FANVUE_CREDENTIAL_ID = 'queueFanvueCredential1';
const CHATWOOT_INBOX = 'inboxApiSecret123';
const RECOUP_ARTIST = 'a1a1a1a1-0000-4000-8000-000000000001';
const CHERT_FROM = '+15555550100';

const pad = (n, width) => String(n).padStart(width, '0');
export const fanUuidOf = (n) => `f1000000-0000-4000-8000-${pad(n, 12)}`;
export const leadPhoneOf = (n) => `+1415555${pad(n, 4)}`;
export const topicOf = (n) => `Queue run ${n}`;

export async function startFakes(fakes, leads) {
	const { FanvueFake } = fakes.load('fanvue');
	const { RecoupFake } = fakes.load('recoup');
	const { ChatwootFake } = fakes.load('chatwoot');
	const { ChertFake } = fakes.load('chert');
	const running = {
		fanvue: await new FanvueFake().start(),
		recoup: await new RecoupFake().start(),
		chatwoot: await new ChatwootFake().start(),
		chert: await new ChertFake().start(),
	};
	addFans(running.fanvue, leads);
	running.fanvue.grant = running.fanvue.tokens.issueGrant();
	return running;
}

/** One contactable fan per lead number. */
export function addFans(fanvue, numbers) {
	for (const n of numbers) {
		if (fanvue.fans.some((fan) => fan.uuid === fanUuidOf(n))) continue;
		fanvue.fans.push({
			uuid: fanUuidOf(n),
			handle: `lead${n}`,
			displayName: `Lead ${n}`,
			contactable: true,
		});
	}
}

export function credentials({ fanvue, recoup, chatwoot, chert }) {
	return [
		fanvueOAuth2Credential(
			{ id: FANVUE_CREDENTIAL_ID, name: 'Fanvue (queue)' },
			fanvue,
			fanvue.grant,
		),
		{
			id: 'queueRecoupCredential1',
			name: 'Recoup (queue)',
			type: 'chatProvidersRecoupApi',
			data: { apiKey: recoup.apiKey, baseUrl: recoup.baseUrl },
		},
		{
			id: 'queueChatwootCredential1',
			name: 'Chatwoot (queue)',
			type: 'chatProvidersChatwootApi',
			data: {
				baseUrl: chatwoot.baseUrl,
				inboxSecret: CHATWOOT_INBOX,
				contactIdentifier: '',
				hmacToken: '',
			},
		},
		{
			id: 'queueChertCredential1',
			name: 'Chert (queue)',
			type: 'chatProvidersChertApi',
			data: {
				signingSecret: chert.singleTenant.signingSecret,
				baseUrl: chert.apiBaseUrl,
				authMethod: 'bearer',
				tenantSlug: '',
			},
		},
	];
}

function node(id, name, type, typeVersion, x, parameters, extra = {}) {
	return { id, name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

const lead = (field) => `={{ $('Lead').item.json.${field} }}`;

/** Webhook → Lead (fields from the call's number) → Fanvue, Recoup, Chatwoot and Chert. */
export function webhookWorkflow() {
	const providers = [
		node(
			'fanvue',
			'Fanvue',
			`${packageName}.fanvue`,
			1.1,
			600,
			{
				resource: 'chat',
				operation: 'create',
				creator: {
					__rl: true,
					mode: 'list',
					value: 'me',
					cachedResultName: 'Me (the connected account)',
				},
				fan: { __rl: true, mode: 'id', value: lead('fanUuid') },
				options: {},
			},
			{
				credentials: {
					chatProvidersFanvueOAuth2Api: { id: FANVUE_CREDENTIAL_ID, name: 'Fanvue (queue)' },
				},
			},
		),
		node(
			'recoup',
			'Recoup',
			`${packageName}.recoup`,
			1,
			600,
			{
				resource: 'chat',
				operation: 'create',
				artist: { __rl: true, mode: 'id', value: RECOUP_ARTIST },
				topic: lead('topic'),
				options: { firstMessage: '=Plan for {{ $json.topic }}' },
			},
			{
				credentials: {
					chatProvidersRecoupApi: { id: 'queueRecoupCredential1', name: 'Recoup (queue)' },
				},
			},
		),
		node(
			'chatwoot',
			'Chatwoot',
			`${packageName}.chatwoot`,
			1,
			600,
			{
				resource: 'conversation',
				operation: 'create',
				contactSource: 'create',
				contactName: lead('name'),
				contactEmail: lead('email'),
				contactPhoneNumber: lead('phone'),
				customAttributes: { attribute: [{ key: 'run', value: lead('n') }] },
				firstMessage: '=Hello from run {{ $json.n }}',
				options: {},
			},
			{
				credentials: {
					chatProvidersChatwootApi: { id: 'queueChatwootCredential1', name: 'Chatwoot (queue)' },
				},
			},
		),
		node(
			'chert',
			'Chert',
			`${packageName}.chert`,
			1.1,
			600,
			{
				resource: 'chat',
				operation: 'create',
				from: { __rl: true, mode: 'number', value: CHERT_FROM },
				to: lead('phone'),
				parts: { part: [{ type: 'text', text: '=Hi {{ $json.name }}, run {{ $json.n }}' }] },
				options: {},
			},
			{
				credentials: {
					chatProvidersChertApi: { id: 'queueChertCredential1', name: 'Chert (queue)' },
				},
			},
		),
	];
	providers.forEach((provider, index) => (provider.position = [600, index * 200]));
	return {
		id: WORKFLOW_ID,
		name: 'Queue mode: one chat per provider per call',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node(
				'webhook',
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				0,
				{
					httpMethod: 'POST',
					path: WEBHOOK_PATH,
					responseMode: 'onReceived',
					options: {},
				},
				{ webhookId: '6f1c2a9e-0b7d-4c3e-9a51-000000000021' },
			),
			node('lead', 'Lead', 'n8n-nodes-base.set', 3.4, 300, {
				assignments: {
					assignments: [
						{ id: 'n', name: 'n', type: 'number', value: '={{ $json.body.n }}' },
						{
							id: 'fan',
							name: 'fanUuid',
							type: 'string',
							value: `={{ 'f1000000-0000-4000-8000-' + String($json.body.n).padStart(12, '0') }}`,
						},
						{
							id: 'phone',
							name: 'phone',
							type: 'string',
							value: `={{ '+1415555' + String($json.body.n).padStart(4, '0') }}`,
						},
						{ id: 'name', name: 'name', type: 'string', value: '=Lead {{ $json.body.n }}' },
						{
							id: 'email',
							name: 'email',
							type: 'string',
							value: '=lead{{ $json.body.n }}@example.com',
						},
						{ id: 'topic', name: 'topic', type: 'string', value: '=Queue run {{ $json.body.n }}' },
					],
				},
				options: {},
			}),
			...providers,
		],
		connections: {
			Webhook: { main: [[{ node: 'Lead', type: 'main', index: 0 }]] },
			Lead: {
				main: [providers.map((provider) => ({ node: provider.name, type: 'main', index: 0 }))],
			},
		},
	};
}

/** Chats per lead on each fake: every lead must have exactly one on every provider. */
export function chatsPerLead({ fanvue, recoup, chatwoot, chert }) {
	const count = (values) => {
		const counts = new Map();
		for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
		return counts;
	};
	return {
		fanvue: count(fanvue.chats.map((chat) => Number(/(\d+)$/.exec(chat)[1]))),
		recoup: count([...recoup.chats.values()].map((row) => Number(/(\d+)$/.exec(row.topic)[1]))),
		chatwoot: count(
			chatwoot.conversations.map((conversation) => Number(conversation.custom_attributes.run)),
		),
		chert: count([...chert.chats.values()].map((chat) => Number(chat.to[0].slice(-4)))),
	};
}

/** Leads with no chat and leads with more than one, per provider. */
export function tally(fakes, leads) {
	const result = {};
	for (const [provider, counts] of Object.entries(chatsPerLead(fakes))) {
		let missing = 0;
		let duplicated = 0;
		for (const n of leads) {
			const chats = counts.get(n) ?? 0;
			if (chats === 0) missing += 1;
			if (chats > 1) duplicated += chats - 1;
		}
		result[provider] = {
			chats: [...counts.values()].reduce((a, b) => a + b, 0),
			missing,
			duplicated,
		};
	}
	return result;
}

export function resetFakes(fakes) {
	for (const fake of Object.values(fakes)) fake.reset();
}

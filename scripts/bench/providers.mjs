// The four providers as the benchmark drives them: the fake to start and seed, what each item
// creates there, our node's parameters, and the same request made with n8n's HTTP Request node.
export const TRIGGER = 'Start';
export const INPUT = 'Leads';

/** Per-item fields, the same for every provider; each node reads the ones it needs. */
export const lead = {
	phone: (i) => `+1415${String(i).padStart(7, '0')}`,
	fanUuid: (i) => `f1000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
	sourceId: (i) => `lead-${String(i).padStart(6, '0')}`,
	chatId: (i) => `c1000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
};

/** A Code node's JavaScript emitting `count` leads, as a CRM export or a form backlog would. */
export function leadsCode(count) {
	return `const artistId = 'a1a1a1a1-0000-4000-8000-000000000001';
const items = [];
for (let i = 0; i < ${count}; i++) {
	const n = String(i).padStart(6, '0');
	items.push({
		json: {
			leadId: 'lead-' + n,
			sourceId: 'lead-' + n,
			name: 'Lead ' + n,
			email: 'lead' + n + '@example.com',
			phone: '+1415' + String(i).padStart(7, '0'),
			fanUuid: 'f1000000-0000-4000-8000-' + String(i).padStart(12, '0'),
			chatId: 'c1000000-0000-4000-8000-' + String(i).padStart(12, '0'),
			conversationId: i + 1,
			artistId,
			topic: 'Lead ' + n + ': spring tour plan',
			message: 'Hi Lead ' + n + ', thanks for asking about the spring tour dates.',
			source: 'spring-tour-form',
			createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60000).toISOString(),
		},
	});
}
return items;`;
}

const locator = (mode, value) => ({ __rl: true, mode, value });

/**
 * The HTTP Request node (4.2) sending `body` (a JavaScript expression over $json) as JSON, signed
 * with n8n's generic credential `authType` (none without a credential) and `headers`.
 */
function httpRequest(method, url, body, { authType, credentialId, headers } = {}) {
	return {
		parameters: {
			method,
			url,
			...(authType ? { authentication: 'genericCredentialType', genericAuthType: authType } : {}),
			...(headers
				? {
						sendHeaders: true,
						headerParameters: {
							parameters: Object.entries(headers).map(([name, value]) => ({ name, value })),
						},
					}
				: {}),
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify(${body}) }}`,
			options: {},
		},
		...(authType ? { credentials: { [authType]: { id: credentialId, name: credentialId } } } : {}),
	};
}

const headerAuth = (credentialId) => ({ authType: 'httpHeaderAuth', credentialId });
const fanvueAuth = (fake, credentialId) => ({
	authType: 'oAuth2Api',
	credentialId,
	headers: { 'X-Fanvue-API-Version': fake.currentVersion },
});

/** How many distinct items the fake holds an object for, and how many objects beyond that. */
function tally(keys) {
	const distinct = new Set(keys).size;
	return { created: distinct, duplicates: keys.length - distinct };
}

export const providers = {
	recoup: {
		name: 'Recoup',
		nodeType: 'recoup',
		credentialType: 'chatProvidersRecoupApi',
		async start(fakes) {
			const { RecoupFake } = fakes.load('recoup');
			return await new RecoupFake().start();
		},
		seed() {},
		credentials: (fake) => ({
			ours: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
			http: { type: 'httpHeaderAuth', data: { name: 'x-api-key', value: fake.apiKey } },
		}),
		parameters: () => ({
			resource: 'chat',
			operation: 'create',
			artist: locator('id', '={{ $json.artistId }}'),
			topic: '={{ $json.topic }}',
			options: {},
		}),
		http: (fake, credentialId) =>
			httpRequest(
				'POST',
				`${fake.baseUrl}/api/chats`,
				'{ artistId: $json.artistId, topic: $json.topic }',
				headerAuth(credentialId),
			),
		count: (fake) => tally([...fake.chats.values()].map((chat) => chat.topic)),
		/** The follow-up write: rename a chat the lead already has. */
		send: {
			operation: 'Chat → Update Topic',
			seed(fake, count) {
				for (let i = 0; i < count; i++) fake.addChat({ id: lead.chatId(i) });
			},
			parameters: () => ({
				resource: 'chat',
				operation: 'updateTopic',
				chatId: '={{ $json.chatId }}',
				topic: '={{ $json.topic }}',
				options: {},
			}),
			http: (fake, credentialId) =>
				httpRequest(
					'PATCH',
					`${fake.baseUrl}/api/chats`,
					'{ chatId: $json.chatId, topic: $json.topic }',
					headerAuth(credentialId),
				),
			// A rename leaves no new object: each PATCH beyond one per chat counts as a duplicate.
			count: (fake) => ({
				created: [...fake.chats.values()].filter((chat) => chat.topic).length,
				duplicates: tally(fake.requestsTo('PATCH', '/api/chats').map((r) => r.body?.chatId))
					.duplicates,
			}),
		},
	},

	chert: {
		name: 'Chert',
		nodeType: 'chert',
		credentialType: 'chatProvidersChertApi',
		async start(fakes) {
			const { ChertFake } = fakes.load('chert');
			return await new ChertFake().start();
		},
		seed() {},
		credentials: (fake) => ({
			ours: {
				signingSecret: fake.singleTenant.signingSecret,
				baseUrl: fake.apiBaseUrl,
				authMethod: 'bearer',
				tenantSlug: '',
			},
			http: {
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Bearer ${fake.singleTenant.signingSecret}` },
			},
		}),
		parameters: () => ({
			resource: 'chat',
			operation: 'create',
			from: locator('number', '+15555550100'),
			to: ['={{ $json.phone }}'],
			parts: { part: [{ type: 'text', text: '={{ $json.message }}' }] },
			options: {},
		}),
		http: (fake, credentialId) =>
			httpRequest(
				'POST',
				`${fake.apiBaseUrl}/chats`,
				"{ from: '+15555550100', to: [$json.phone], message: { parts: [{ type: 'text', value: $json.message }] } }",
				headerAuth(credentialId),
			),
		count: (fake) => tally([...fake.chats.values()].map((chat) => chat.to[0])),
		send: {
			operation: 'Message → Send',
			seed(fake, count) {
				const tenant = fake.singleTenant.tenants[0].slug;
				for (let i = 0; i < count; i++) {
					const id = lead.chatId(i);
					fake.chats.set(id, { id, tenant, from: '+15555550100', to: [lead.phone(i)] });
				}
			},
			parameters: () => ({
				resource: 'message',
				operation: 'send',
				chatId: '={{ $json.chatId }}',
				parts: { part: [{ type: 'text', text: '={{ $json.message }}' }] },
				options: {},
			}),
			http: (fake, credentialId) =>
				httpRequest(
					'POST',
					`=${fake.apiBaseUrl}/chats/{{ $json.chatId }}/messages`,
					"{ message: { parts: [{ type: 'text', value: $json.message }], idempotency_key: 'bench-' + $json.leadId } }",
					headerAuth(credentialId),
				),
			count: (fake) => tally(fake.messages.map((message) => message.chatId)),
		},
	},

	chatwoot: {
		name: 'Chatwoot',
		nodeType: 'chatwoot',
		credentialType: 'chatProvidersChatwootApi',
		inbox: 'inboxApiSecret123',
		// The node paces by rack-attack's default, 3,000 requests a minute: the benchmark sends more
		// than that within a minute, so each of our node's runs gets its own budget (scenarios.mjs).
		ownBudgetPerRun: true,
		async start(fakes) {
			const { ChatwootFake } = fakes.load('chatwoot');
			return await new ChatwootFake().start();
		},
		/** One contact per lead in the API inbox, with the lead's id as its source_id. */
		seed(fake, count) {
			for (let i = 0; i < count; i++) {
				const id = fake.contacts.length + 1;
				fake.contacts.push({
					id,
					name: `Lead ${i}`,
					email: null,
					phone_number: null,
					identifier: null,
					custom_attributes: {},
				});
				fake.contactInboxes.push({
					inboxIdentifier: providers.chatwoot.inbox,
					sourceId: lead.sourceId(i),
					contactId: id,
					hmacVerified: false,
				});
			}
		},
		credentials: (fake) => ({
			ours: {
				baseUrl: fake.baseUrl,
				inboxSecret: providers.chatwoot.inbox,
				contactIdentifier: '',
				hmacToken: '',
			},
			http: undefined,
		}),
		parameters: () => ({
			resource: 'conversation',
			operation: 'create',
			contactSource: 'identifier',
			contactIdentifier: '={{ $json.sourceId }}',
			customAttributes: { attribute: [{ key: 'lead_id', value: '={{ $json.leadId }}' }] },
			options: {},
		}),
		http: (fake) =>
			httpRequest(
				'POST',
				`=${fake.baseUrl}/public/api/v1/inboxes/${providers.chatwoot.inbox}/contacts/{{ $json.sourceId }}/conversations`,
				'{ custom_attributes: { lead_id: $json.leadId } }',
			),
		count: (fake) => tally(fake.conversations.map((conversation) => conversation.sourceId)),
		send: {
			operation: 'Message → Send',
			/** The contacts, and conversation i + 1 open for lead i. */
			seed(fake, count) {
				providers.chatwoot.seed(fake, count);
				for (let i = 0; i < count; i++) {
					fake.conversations.push({
						id: i + 1,
						uuid: `b1000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
						inboxIdentifier: providers.chatwoot.inbox,
						sourceId: lead.sourceId(i),
						contactId: fake.contactInboxes[i].contactId,
						custom_attributes: {},
						status: 'open',
						messages: [],
					});
				}
			},
			parameters: () => ({
				resource: 'message',
				operation: 'send',
				contactIdentifier: '={{ $json.sourceId }}',
				conversationId: '={{ $json.conversationId }}',
				content: '={{ $json.message }}',
				options: {},
			}),
			http: (fake) =>
				httpRequest(
					'POST',
					`=${fake.baseUrl}/public/api/v1/inboxes/${providers.chatwoot.inbox}/contacts/{{ $json.sourceId }}/conversations/{{ $json.conversationId }}/messages`,
					'{ content: $json.message }',
				),
			count: (fake) => tally(fake.conversations.flatMap((c) => c.messages.map(() => c.sourceId))),
		},
	},

	fanvue: {
		name: 'Fanvue',
		nodeType: 'fanvue',
		credentialType: 'chatProvidersFanvueOAuth2Api',
		async start(fakes) {
			const { FanvueFake } = fakes.load('fanvue');
			return await new FanvueFake().start();
		},
		/** Fans the creator may message, one per lead. */
		seed(fake, count) {
			const known = new Set(fake.fans.map((fan) => fan.uuid));
			for (let i = 0; i < count; i++) {
				const uuid = lead.fanUuid(i);
				if (known.has(uuid)) continue;
				fake.fans.push({ uuid, handle: `fan${i}`, displayName: `Fan ${i}`, contactable: true });
			}
		},
		/** Both credentials start from their own grant: the same client, token URL and scopes. */
		credentials: (fake) => {
			const client = {
				clientId: fake.clientId,
				clientSecret: fake.clientSecret,
				authUrl: `${fake.baseUrl}/oauth2/auth`,
				accessTokenUrl: `${fake.baseUrl}${fake.tokens.path}`,
				scope: 'openid offline_access offline read:self read:chat write:chat read:fan read:creator',
				authQueryParameters: '',
				authentication: 'header',
			};
			const tokens = () => ({
				...fake.tokens.issueGrant(),
				token_type: 'bearer',
				expires_in: 3600,
				scope: client.scope,
			});
			return {
				ours: { ...client, grantType: 'pkce', apiBaseUrl: fake.baseUrl, oauthTokenData: tokens() },
				http: {
					type: 'oAuth2Api',
					data: { ...client, grantType: 'pkce', oauthTokenData: tokens() },
				},
			};
		},
		parameters: () => ({
			resource: 'chat',
			operation: 'create',
			fan: locator('id', '={{ $json.fanUuid }}'),
			options: {},
		}),
		http: (fake, credentialId) =>
			httpRequest(
				'POST',
				`${fake.baseUrl}/chats`,
				'{ userUuid: $json.fanUuid }',
				fanvueAuth(fake, credentialId),
			),
		count: (fake) => tally(fake.chats.map((chat) => chat.split('/')[1])),
		send: {
			operation: 'Message → Send',
			seed: (fake, count) => providers.fanvue.seed(fake, count),
			parameters: () => ({
				resource: 'message',
				operation: 'send',
				fan: locator('id', '={{ $json.fanUuid }}'),
				text: '={{ $json.message }}',
				options: {},
			}),
			http: (fake, credentialId) =>
				httpRequest(
					'POST',
					`=${fake.baseUrl}/chats/{{ $json.fanUuid }}/message`,
					'{ text: $json.message }',
					fanvueAuth(fake, credentialId),
				),
			count: (fake) => tally(fake.messages.map((message) => message.chat)),
		},
	},
};

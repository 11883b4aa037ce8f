// The four providers as the benchmark drives them: the fake to start, the credentials of both
// sides, and per kind of request — `create` (the provider's first call) and `send` (its follow-up
// into what a lead already has) — our node's parameters, the same request made with n8n's HTTP
// Request node, what to seed on the fake, and how to count what the fake then holds.
export const TRIGGER = 'Start';
export const INPUT = 'Leads';

/** One lead, as a CRM export or a form backlog holds it; each node reads the fields it needs. */
function lead(i) {
	const n = String(i).padStart(6, '0');
	const tail = String(i).padStart(12, '0');
	return {
		leadId: 'lead-' + n,
		sourceId: 'lead-' + n,
		name: 'Lead ' + n,
		email: 'lead' + n + '@example.com',
		phone: '+1415' + String(i).padStart(7, '0'),
		fanUuid: 'f1000000-0000-4000-8000-' + tail,
		chatId: 'c1000000-0000-4000-8000-' + tail,
		conversationId: i + 1,
		artistId: 'a1a1a1a1-0000-4000-8000-000000000001',
		topic: 'Lead ' + n + ': spring tour plan',
		message: 'Hi Lead ' + n + ', thanks for asking about the spring tour dates.',
		source: 'spring-tour-form',
		createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60000).toISOString(),
	};
}

/** A Code node's JavaScript emitting `count` leads: the same function the seeds read. */
export const leadsCode = (count) =>
	`const lead = ${lead};\nreturn Array.from({ length: ${count} }, (_, i) => ({ json: lead(i) }));`;

/** How many distinct items the fake holds an object for, and how many objects beyond that. */
function tally(keys) {
	const distinct = new Set(keys).size;
	return { created: distinct, duplicates: keys.length - distinct };
}

const byId = (value) => ({ __rl: true, mode: 'id', value });
const parts = { part: [{ type: 'text', text: '={{ $json.message }}' }] };
const partsBody = "parts: [{ type: 'text', value: $json.message }]";
const FROM = '+15555550100';
const INBOX = 'inboxApiSecret123';

/** Chatwoot: one contact per lead in the API inbox, with the lead's id as its source_id. */
function seedContacts(fake, count) {
	for (let i = 0; i < count; i++) {
		const id = fake.contacts.length + 1;
		const none = { email: null, phone_number: null, identifier: null, custom_attributes: {} };
		fake.contacts.push({ id, name: `Lead ${i}`, ...none });
		const sourceId = lead(i).sourceId;
		fake.contactInboxes.push({
			inboxIdentifier: INBOX,
			sourceId,
			contactId: id,
			hmacVerified: false,
		});
	}
}

/** Fanvue: fans the creator may message, one per lead. */
function seedFans(fake, count) {
	const known = new Set(fake.fans.map((fan) => fan.uuid));
	for (let i = 0; i < count; i++) {
		const uuid = lead(i).fanUuid;
		if (!known.has(uuid)) {
			fake.fans.push({ uuid, handle: `fan${i}`, displayName: `Fan ${i}`, contactable: true });
		}
	}
}

/**
 * `url(fake)`: where a request's path starts; `auth`: the HTTP Request node's generic credential
 * type (none: no credential), `headers(fake)` it adds. `create` and `send` each: our node's
 * parameters (without Options), `http` as [method, path, body as a JavaScript expression over
 * $json], `seed` and `count` on the fake.
 */
export const providers = {
	recoup: {
		name: 'Recoup',
		fake: 'RecoupFake',
		credentialType: 'chatProvidersRecoupApi',
		url: (fake) => `${fake.baseUrl}/api`,
		credentials: (fake) => ({
			ours: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
			http: { type: 'httpHeaderAuth', data: { name: 'x-api-key', value: fake.apiKey } },
		}),
		auth: 'httpHeaderAuth',
		create: {
			parameters: {
				resource: 'chat',
				operation: 'create',
				artist: byId('={{ $json.artistId }}'),
				topic: '={{ $json.topic }}',
			},
			http: ['POST', '/chats', '{ artistId: $json.artistId, topic: $json.topic }'],
			count: (fake) => tally([...fake.chats.values()].map((chat) => chat.topic)),
		},
		/** The follow-up write: rename a chat the lead already has. */
		send: {
			operation: 'Chat → Update Topic',
			seed(fake, count) {
				for (let i = 0; i < count; i++) fake.addChat({ id: lead(i).chatId });
			},
			parameters: {
				resource: 'chat',
				operation: 'updateTopic',
				chatId: '={{ $json.chatId }}',
				topic: '={{ $json.topic }}',
			},
			http: ['PATCH', '/chats', '{ chatId: $json.chatId, topic: $json.topic }'],
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
		fake: 'ChertFake',
		credentialType: 'chatProvidersChertApi',
		url: (fake) => fake.apiBaseUrl,
		credentials: (fake) => {
			const secret = fake.singleTenant.signingSecret;
			return {
				ours: {
					signingSecret: secret,
					baseUrl: fake.apiBaseUrl,
					authMethod: 'bearer',
					tenantSlug: '',
				},
				http: {
					type: 'httpHeaderAuth',
					data: { name: 'Authorization', value: `Bearer ${secret}` },
				},
			};
		},
		auth: 'httpHeaderAuth',
		create: {
			parameters: {
				resource: 'chat',
				operation: 'create',
				from: { __rl: true, mode: 'number', value: FROM },
				to: ['={{ $json.phone }}'],
				parts,
			},
			http: ['POST', '/chats', `{ from: '${FROM}', to: [$json.phone], message: { ${partsBody} } }`],
			count: (fake) => tally([...fake.chats.values()].map((chat) => chat.to[0])),
		},
		send: {
			operation: 'Message → Send',
			seed(fake, count) {
				const tenant = fake.singleTenant.tenants[0].slug;
				for (let i = 0; i < count; i++) {
					const { chatId: id, phone } = lead(i);
					fake.chats.set(id, { id, tenant, from: FROM, to: [phone] });
				}
			},
			parameters: { resource: 'message', operation: 'send', chatId: '={{ $json.chatId }}', parts },
			http: [
				'POST',
				'/chats/{{ $json.chatId }}/messages',
				`{ message: { ${partsBody}, idempotency_key: 'bench-' + $json.leadId } }`,
			],
			count: (fake) => tally(fake.messages.map((message) => message.chatId)),
		},
	},

	chatwoot: {
		name: 'Chatwoot',
		fake: 'ChatwootFake',
		credentialType: 'chatProvidersChatwootApi',
		// The node paces by rack-attack's default, 3,000 requests a minute: the benchmark sends more
		// than that within a minute, so each of our node's runs gets its own budget (runner.mjs).
		ownBudgetPerRun: true,
		url: (fake) => `${fake.baseUrl}/public/api/v1/inboxes/${INBOX}/contacts/{{ $json.sourceId }}`,
		credentials: (fake) => ({
			ours: { baseUrl: fake.baseUrl, inboxSecret: INBOX, contactIdentifier: '', hmacToken: '' },
		}),
		create: {
			seed: seedContacts,
			parameters: {
				resource: 'conversation',
				operation: 'create',
				contactSource: 'identifier',
				contactIdentifier: '={{ $json.sourceId }}',
				customAttributes: { attribute: [{ key: 'lead_id', value: '={{ $json.leadId }}' }] },
			},
			http: ['POST', '/conversations', '{ custom_attributes: { lead_id: $json.leadId } }'],
			count: (fake) => tally(fake.conversations.map((conversation) => conversation.sourceId)),
		},
		send: {
			operation: 'Message → Send',
			/** The contacts, and conversation i + 1 open for lead i. */
			seed(fake, count) {
				seedContacts(fake, count);
				for (let i = 0; i < count; i++) {
					fake.conversations.push({
						id: i + 1,
						uuid: `b1000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
						inboxIdentifier: INBOX,
						sourceId: lead(i).sourceId,
						contactId: fake.contactInboxes[i].contactId,
						custom_attributes: {},
						status: 'open',
						messages: [],
					});
				}
			},
			parameters: {
				resource: 'message',
				operation: 'send',
				contactIdentifier: '={{ $json.sourceId }}',
				conversationId: '={{ $json.conversationId }}',
				content: '={{ $json.message }}',
			},
			http: [
				'POST',
				'/conversations/{{ $json.conversationId }}/messages',
				'{ content: $json.message }',
			],
			count: (fake) => tally(fake.conversations.flatMap((c) => c.messages.map(() => c.sourceId))),
		},
	},

	fanvue: {
		name: 'Fanvue',
		fake: 'FanvueFake',
		credentialType: 'chatProvidersFanvueOAuth2Api',
		url: (fake) => fake.baseUrl,
		/** Both credentials start from their own grant: the same client, token URL and scopes. */
		credentials: (fake) => {
			const scope =
				'openid offline_access offline read:self read:chat write:chat read:fan read:creator';
			const client = {
				clientId: fake.clientId,
				clientSecret: fake.clientSecret,
				authUrl: `${fake.baseUrl}/oauth2/auth`,
				accessTokenUrl: `${fake.baseUrl}${fake.tokens.path}`,
				scope,
				authQueryParameters: '',
				authentication: 'header',
				grantType: 'pkce',
			};
			const grant = () => ({
				...fake.tokens.issueGrant(),
				token_type: 'bearer',
				expires_in: 3600,
				scope,
			});
			return {
				ours: { ...client, apiBaseUrl: fake.baseUrl, oauthTokenData: grant() },
				http: { type: 'oAuth2Api', data: { ...client, oauthTokenData: grant() } },
			};
		},
		auth: 'oAuth2Api',
		headers: (fake) => ({ 'X-Fanvue-API-Version': fake.currentVersion }),
		create: {
			seed: seedFans,
			parameters: { resource: 'chat', operation: 'create', fan: byId('={{ $json.fanUuid }}') },
			http: ['POST', '/chats', '{ userUuid: $json.fanUuid }'],
			count: (fake) => tally(fake.chats.map((chat) => chat.split('/')[1])),
		},
		send: {
			operation: 'Message → Send',
			seed: seedFans,
			parameters: {
				resource: 'message',
				operation: 'send',
				fan: byId('={{ $json.fanUuid }}'),
				text: '={{ $json.message }}',
			},
			http: ['POST', '/chats/{{ $json.fanUuid }}/message', '{ text: $json.message }'],
			count: (fake) => tally(fake.messages.map((message) => message.chat)),
		},
	},
};

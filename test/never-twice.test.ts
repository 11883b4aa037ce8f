import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	ICheckProcessedContextData,
	ICredentialDataDecryptedObject,
	IDataDeduplicator,
	IDeduplicationOutput,
	INodeExecutionData,
} from 'n8n-workflow';

import { ChatwootApi } from '../credentials/ChatwootApi.credentials';
import { ChertApi } from '../credentials/ChertApi.credentials';
import { FanvueOAuth2Api } from '../credentials/FanvueOAuth2Api.credentials';
import { RecoupApi } from '../credentials/RecoupApi.credentials';
import { Chatwoot } from '../nodes/Chatwoot/Chatwoot.node';
import { Chert } from '../nodes/Chert/Chert.node';
import { Fanvue } from '../nodes/Fanvue/Fanvue.node';
import { Recoup } from '../nodes/Recoup/Recoup.node';
import { retriesCrashedRun, stableItemKey } from '../nodes/shared/idempotency';
import { runNode, type NodeRunResult, type RunNodeOptions } from './engine/run-node';
import { ChatwootFake } from '../fakes/chatwoot';
import { ChertFake } from '../fakes/chert';
import { FanvueFake } from '../fakes/fanvue';
import { RecoupFake } from '../fakes/recoup';

/**
 * Retry from n8n's Executions list starts a new execution (new id, mode "retry") from the failed
 * one's data. Five items; the provider refuses item 3 until the node gives up, after items 1, 2,
 * 4 and 5 went out. The retry — and a retry of that retry — sends each item exactly once in all.
 */
/** n8n's deduplication store as its database keeps it: one list per workflow and node. */
class ProcessedData implements IDataDeduplicator {
	readonly lists = new Map<string, DeduplicationItemTypes[]>();

	private list(contextData: ICheckProcessedContextData): DeduplicationItemTypes[] {
		const key = `${contextData.workflow.id}/${contextData.node?.id}`;
		if (!this.lists.has(key)) this.lists.set(key, []);
		return this.lists.get(key)!;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		_scope: unknown,
		contextData: ICheckProcessedContextData,
	): Promise<IDeduplicationOutput> {
		const list = this.list(contextData);
		const processed = items.filter((item) => list.includes(item));
		const added = items.filter((item) => !list.includes(item));
		list.push(...added);
		return { new: added, processed };
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		_scope: unknown,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		const list = this.list(contextData);
		for (const item of items) if (list.includes(item)) list.splice(list.indexOf(item), 1);
	}

	async clearAllProcessedItems(_scope: unknown, contextData: ICheckProcessedContextData) {
		this.list(contextData).length = 0;
	}

	async getProcessedDataCount(_scope: unknown, contextData: ICheckProcessedContextData) {
		return this.list(contextData).length;
	}
}
const processedData = new ProcessedData();

const recoup = new RecoupFake();
const chert = new ChertFake();
const chatwoot = new ChatwootFake();
const fanvue = new FanvueFake();
const INBOX = 'inboxApiSecret123';

beforeAll(async () => {
	await DataDeduplicationService.init(processedData);
	await recoup.start();
	await chert.start();
	await chatwoot.start();
	await fanvue.start();
});
afterAll(async () => {
	await recoup.stop();
	await chert.stop();
	await chatwoot.stop();
	await fanvue.stop();
});
beforeEach(() => {
	recoup.reset();
	chert.reset();
	chatwoot.reset();
	fanvue.reset();
});

/** The node as another n8n worker (or n8n after a restart) loads it: nothing in memory. */
function inAnotherProcess<T>(path: string, name: string): T {
	let fresh: T | undefined;
	jest.isolateModules(() => {
		const module = require(path) as Record<string, new () => T>;
		fresh = new module[name]();
	});
	return fresh!;
}

const five = (make: (n: number) => INodeExecutionData['json']): INodeExecutionData[] =>
	[1, 2, 3, 4, 5].map((n) => ({ json: make(n) }));

/** The failed run, its retry, and a retry of the retry, with the provider fixed in between. */
async function failThenRetryTwice(
	run: (extra: Partial<RunNodeOptions>) => Promise<NodeRunResult>,
	fix: () => void,
) {
	const failed = await run({});
	expect(failed.error).toBeDefined();
	fix();
	const retried = await run({ retryOf: failed });
	const retriedAgain = await run({ retryOf: retried });
	return { failed, retried, retriedAgain };
}

/**
 * The failed run, its retry failing too, a successful retry of that retry — and then Retry on the
 * first run, which n8n still offers (only the execution a successful retry repeated is marked).
 * That last retry starts from the first run's custom data, which does not know what the retry of
 * the retry sent: n8n's deduplication store tells it.
 */
async function retryTheFirstRunAgain(
	run: (extra: Partial<RunNodeOptions>) => Promise<NodeRunResult>,
	refuse: () => void,
	fix: () => void,
) {
	refuse();
	const failed = await run({});
	expect(failed.error).toBeDefined();
	refuse();
	const retried = await run({ retryOf: failed });
	expect(retried.error).toBeDefined();
	fix();
	const retriedAgain = await run({ retryOf: retried });
	expect(retriedAgain.error).toBeUndefined();
	const firstRetriedAgain = await run({ retryOf: failed });
	return { failed, retried, retriedAgain, firstRetriedAgain };
}

describe('Recoup › Retry from the Executions list', () => {
	const artistId = recoup.artists[0].id;
	const run = (extra: Partial<RunNodeOptions>) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Recoup>('../nodes/Recoup/Recoup.node', 'Recoup')
				: new Recoup(),
			credentialTypes: [new RecoupApi()],
			credentials: { chatProvidersRecoupApi: { apiKey: recoup.apiKey, baseUrl: recoup.baseUrl } },
			parameters: {
				resource: 'chat',
				operation: 'create',
				artist: { __rl: true, mode: 'id', value: artistId },
				topic: '={{ $json.topic }}',
				options: { parallelRequests: 5 },
			},
			items: five((n) => ({ topic: `Release plan ${n}` })),
			...extra,
		});

	it('sends each chat once: the retry carries the same Chat IDs, and Recoup upserts on them', async () => {
		recoup.failCreates('Release plan 3', 10);
		const { failed, retried, retriedAgain } = await failThenRetryTwice(run, () =>
			recoup.failCreates('Release plan 3', 0),
		);
		expect(failed.error?.message).toContain('Recoup:');
		expect(retried.error).toBeUndefined();
		expect(retriedAgain.error).toBeUndefined();
		expect(recoup.chats.size).toBe(5);
		expect(retried.items.map((item) => item.json.id)).toEqual(
			retriedAgain.items.map((item) => item.json.id),
		);
	});

	it('a new execution of the same workflow with the same data still creates new chats', async () => {
		await run({});
		await run({});
		expect(recoup.chats.size).toBe(10);
	});
});

describe('Chert › Retry from the Executions list', () => {
	const leads = [1, 2, 3, 4, 5].map((n) => `+1415555100${n}`);
	const run = (extra: Partial<RunNodeOptions>) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Chert>('../nodes/Chert/Chert.node', 'Chert')
				: new Chert(),
			credentialTypes: [new ChertApi()],
			credentials: {
				chatProvidersChertApi: {
					signingSecret: chert.singleTenant.signingSecret,
					baseUrl: chert.apiBaseUrl,
					authMethod: 'bearer',
					tenantSlug: '',
				},
			},
			parameters: {
				resource: 'chat',
				operation: 'create',
				from: { __rl: true, mode: 'number', value: '+15555550100' },
				to: '={{ $json.lead }}',
				parts: { part: [{ type: 'text', text: 'Hi - got a minute?' }] },
				options: { parallelRequests: 5 },
			},
			items: five((n) => ({ lead: leads[n - 1] })),
			...extra,
		});

	it('sends each lead one message: the retry carries the same idempotency keys, and Chert replays', async () => {
		chert.refuseOnce(leads[2], {
			status: 503,
			body: {
				success: false,
				error: { status: 503, code: 4002, message: 'All lines saturated', retryable: false },
				trace_id: 'trc_1',
			},
		});
		const { retried, retriedAgain } = await failThenRetryTwice(run, () => undefined);
		expect(retried.error).toBeUndefined();
		expect(retriedAgain.error).toBeUndefined();
		const perLead = leads.map(
			(lead) => [...chert.chats.values()].filter((chat) => chat.to.includes(lead)).length,
		);
		expect(perLead).toEqual([1, 1, 1, 1, 1]);
		expect(chert.messages).toHaveLength(5);
	});
});

describe('Chatwoot › Retry from the Executions list (no idempotency key in its API)', () => {
	// Read when a test runs: the fake's port is known only once it has started.
	const credentials = () => ({
		chatProvidersChatwootApi: {
			baseUrl: chatwoot.baseUrl,
			inboxSecret: INBOX,
			contactIdentifier: '',
			hmacToken: '',
		} as ICredentialDataDecryptedObject,
	});
	const conversationsOf = (sourceId: string) =>
		chatwoot.conversations.filter((conversation) => conversation.sourceId === sourceId);
	// A refusal: Chatwoot did not act, so the retry may create it.
	const refuseItem3 = () =>
		chatwoot.scriptFor('POST', /\/conversations$/, '"case":"3"', {
			status: 422,
			body: { status: 422, error: 'Unprocessable Entity' },
		});

	it('a contact the node creates per item: done items hand back their conversation, item 3 is created', async () => {
		const run = (extra: Partial<RunNodeOptions>) =>
			runNode({
				nodeType: extra.retryOf
					? inAnotherProcess<Chatwoot>('../nodes/Chatwoot/Chatwoot.node', 'Chatwoot')
					: new Chatwoot(),
				credentialTypes: [new ChatwootApi()],
				credentials: credentials(),
				parameters: {
					resource: 'conversation',
					operation: 'create',
					contactSource: 'create',
					contactName: '={{ $json.name }}',
					customAttributes: { attribute: [{ key: 'case', value: '={{ $json.case }}' }] },
					options: { parallelRequests: 5 },
				},
				items: five((n) => ({ name: `Lead ${n}`, case: String(n) })),
				...extra,
			});
		refuseItem3();
		const { failed, retried, retriedAgain } = await failThenRetryTwice(run, () => undefined);
		expect(failed.error?.message).toBe('Chatwoot: Unprocessable Entity');
		expect(retried.error).toBeUndefined();
		expect(chatwoot.conversations).toHaveLength(5);
		const ids = retried.items.map((item) => item.json.id);
		expect(new Set(ids).size).toBe(5);
		expect(retriedAgain.items.map((item) => item.json.id)).toEqual(ids);
		expect(retried.items.map((item) => item.json.createdByEarlierTry ?? false)).toEqual([
			true,
			true,
			false,
			true,
			true,
		]);
		for (const item of retried.items) {
			expect(conversationsOf(String(item.json.contactIdentifier))).toHaveLength(1);
		}
	});

	/** Five existing contacts, chosen by identifier, one conversation each. */
	const forExistingContacts =
		(sourceIds: string[]) =>
		(extra: Partial<RunNodeOptions>): Promise<NodeRunResult> =>
			runNode({
				nodeType: extra.retryOf
					? inAnotherProcess<Chatwoot>('../nodes/Chatwoot/Chatwoot.node', 'Chatwoot')
					: new Chatwoot(),
				credentialTypes: [new ChatwootApi()],
				credentials: credentials(),
				parameters: {
					resource: 'conversation',
					operation: 'create',
					contactSource: 'identifier',
					contactIdentifier: '={{ $json.contact }}',
					customAttributes: { attribute: [{ key: 'case', value: '={{ $json.case }}' }] },
					options: { parallelRequests: 5 },
				},
				items: five((n) => ({ contact: sourceIds[n - 1], case: String(n) })),
				...extra,
			});

	it('an existing contact: done items are not created again and say so, item 3 is created', async () => {
		const sourceIds = [1, 2, 3, 4, 5].map(() => chatwoot.addContact(INBOX));
		const run = forExistingContacts(sourceIds);
		refuseItem3();
		const { retried } = await failThenRetryTwice(run, () => undefined);
		expect(retried.error).toBeUndefined();
		expect(sourceIds.map((id) => conversationsOf(id).length)).toEqual([1, 1, 1, 1, 1]);
		expect(retried.items.map((item) => item.json.createdByEarlierTry ?? false)).toEqual([
			true,
			true,
			false,
			true,
			true,
		]);
		expect(retried.items[0].json).toMatchObject({ contactIdentifier: sourceIds[0] });
		expect(retried.items[2].json.id).toBe(conversationsOf(sourceIds[2])[0].id);
	});

	it('Retry on the first run after a retry of its retry created item 3: an existing contact gets no second conversation', async () => {
		const sourceIds = [1, 2, 3, 4, 5].map(() => chatwoot.addContact(INBOX));
		const { firstRetriedAgain } = await retryTheFirstRunAgain(
			forExistingContacts(sourceIds),
			refuseItem3,
			() => undefined,
		);
		expect(firstRetriedAgain.error).toBeUndefined();
		expect(sourceIds.map((id) => conversationsOf(id).length)).toEqual([1, 1, 1, 1, 1]);
		expect(firstRetriedAgain.items.map((item) => item.json.createdByEarlierTry)).toEqual([
			true,
			true,
			true,
			true,
			true,
		]);
	});

	it("Retry on the first run after its retry met a server error on item 3: refused, that retry's request may have created it", async () => {
		const sourceIds = [1, 2, 3, 4, 5].map(() => chatwoot.addContact(INBOX));
		const run = forExistingContacts(sourceIds);
		refuseItem3();
		const failed = await run({});
		chatwoot.scriptFor('POST', /\/conversations$/, '"case":"3"', {
			status: 500,
			body: { status: 500, error: 'Internal Server Error' },
		});
		const retried = await run({ retryOf: failed });
		expect(retried.error?.message).toBe('Chatwoot: Internal Server Error');
		const firstRetriedAgain = await run({ retryOf: failed });
		expect(firstRetriedAgain.error?.message).toBe(
			'The conversation may already exist: an earlier try of this item failed after its request reached Chatwoot',
		);
		const item3Posts = chatwoot
			.requestsTo('POST', /\/conversations$/)
			.filter((request) => request.rawBody.includes('"case":"3"'));
		expect(item3Posts).toHaveLength(2);
	});

	it('a server error while creating for an existing contact: the retry refuses the item and says what to check', async () => {
		const contact = chatwoot.addContact(INBOX);
		const run = (extra: Partial<RunNodeOptions>) =>
			runNode({
				nodeType: new Chatwoot(),
				credentialTypes: [new ChatwootApi()],
				credentials: credentials(),
				parameters: {
					resource: 'conversation',
					operation: 'create',
					contactSource: 'identifier',
					contactIdentifier: contact,
				},
				...extra,
			});
		chatwoot.script('POST', /\/conversations$/, {
			status: 500,
			body: { status: 500, error: 'Internal Server Error' },
		});
		const failed = await run({});
		const retried = await run({ retryOf: failed });
		expect(chatwoot.requestsTo('POST', /\/conversations$/)).toHaveLength(1);
		expect(retried.error?.message).toBe(
			'The conversation may already exist: an earlier try of this item failed after its request reached Chatwoot',
		);
	});

	it("node Retry On Fail after a dropped connection: an existing contact's item is refused, not created twice", async () => {
		const contact = chatwoot.addContact(INBOX);
		chatwoot.script('POST', /\/conversations$/, { status: 200, drop: true });
		const result = await runNode({
			nodeType: new Chatwoot(),
			credentialTypes: [new ChatwootApi()],
			credentials: credentials(),
			parameters: {
				resource: 'conversation',
				operation: 'create',
				contactSource: 'identifier',
				contactIdentifier: contact,
			},
			retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
		});
		expect(chatwoot.requestsTo('POST', /\/conversations$/)).toHaveLength(1);
		expect(result.error?.message).toBe(
			'The conversation may already exist: an earlier try of this item failed after its request reached Chatwoot',
		);
		expect(result.error?.description).toContain(`conversations of contact ${contact}`);
	});

	it('node Retry On Fail after a dropped connection: a contact the node created is looked up, not created twice', async () => {
		chatwoot.script('POST', /\/conversations$/, { status: 200, drop: true });
		const result = await runNode({
			nodeType: new Chatwoot(),
			credentialTypes: [new ChatwootApi()],
			credentials: credentials(),
			parameters: {
				resource: 'conversation',
				operation: 'create',
				contactSource: 'create',
				contactName: 'Grace',
			},
			retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
		});
		// The dropped request never reached the fake's route: nothing to find, so it is created now.
		expect(result.error).toBeUndefined();
		expect(chatwoot.conversations).toHaveLength(1);
		expect(result.items[0].json.id).toBe(chatwoot.conversations[0].id);
	});
});

describe('Fanvue › Retry from the Executions list (no idempotency key in its API)', () => {
	const [ada, grace, blocked] = fanvue.fans;
	const run = (extra: Partial<RunNodeOptions>, grant = fanvue.tokens.issueGrant()) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Fanvue>('../nodes/Fanvue/Fanvue.node', 'Fanvue')
				: new Fanvue(),
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: {
				chatProvidersFanvueOAuth2Api: {
					grantType: 'pkce',
					clientId: fanvue.clientId,
					clientSecret: fanvue.clientSecret,
					accessTokenUrl: `${fanvue.baseUrl}/oauth2/token`,
					authUrl: `${fanvue.baseUrl}/oauth2/auth`,
					authentication: 'header',
					scope: 'read:chat write:chat',
					apiBaseUrl: fanvue.baseUrl,
					oauthTokenData: { ...grant, token_type: 'bearer' },
				},
			},
			parameters: {
				resource: 'chat',
				operation: 'create',
				fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
				options: { parallelRequests: 5 },
			},
			items: [ada, blocked, grace].map((fan) => ({ json: { fan: fan.uuid } })),
			...extra,
		});

	it('chats an earlier try opened are handed back, not asked for again', async () => {
		const { retried, retriedAgain } = await failThenRetryTwice(run, () => {
			blocked.contactable = true;
		}).finally(() => {
			blocked.contactable = false;
		});
		expect(retried.error).toBeUndefined();
		expect(retriedAgain.error).toBeUndefined();
		expect([...fanvue.chats].sort()).toEqual(
			[`self/${ada.uuid}`, `self/${blocked.uuid}`, `self/${grace.uuid}`].sort(),
		);
		expect(retried.items.map((item) => item.json.createdByEarlierTry ?? false)).toEqual([
			true,
			false,
			true,
		]);
	});

	it('Retry on the first run after a retry of its retry opened the chat: not asked for again', async () => {
		const { firstRetriedAgain } = await retryTheFirstRunAgain(
			run,
			() => {
				blocked.contactable = false;
			},
			() => {
				blocked.contactable = true;
			},
		).finally(() => {
			blocked.contactable = false;
		});
		expect(firstRetriedAgain.error).toBeUndefined();
		expect([...fanvue.chats].sort()).toEqual(
			[`self/${ada.uuid}`, `self/${blocked.uuid}`, `self/${grace.uuid}`].sort(),
		);
		expect(firstRetriedAgain.items.map((item) => item.json.createdByEarlierTry)).toEqual([
			true,
			true,
			true,
		]);
	});
});

describe('Fanvue › Message → Send: Retry from the Executions list (no idempotency key in its API)', () => {
	const [ada, grace, blocked] = fanvue.fans;
	const fans = [ada, grace, blocked];
	const messagePath = (fan: { uuid: string }) => new RegExp(`/chats/${fan.uuid}/message$`);
	const messagesTo = (fan: { uuid: string }) =>
		fanvue.messages.filter((message) => message.chat === `self/${fan.uuid}`).length;
	const credentials = (grant = fanvue.tokens.issueGrant()) => ({
		chatProvidersFanvueOAuth2Api: {
			grantType: 'pkce',
			clientId: fanvue.clientId,
			clientSecret: fanvue.clientSecret,
			accessTokenUrl: `${fanvue.baseUrl}/oauth2/token`,
			authUrl: `${fanvue.baseUrl}/oauth2/auth`,
			authentication: 'header',
			scope: 'read:chat write:chat',
			apiBaseUrl: fanvue.baseUrl,
			oauthTokenData: { ...grant, token_type: 'bearer' },
		} as ICredentialDataDecryptedObject,
	});
	const run = (extra: Partial<RunNodeOptions> & { text?: string }) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Fanvue>('../nodes/Fanvue/Fanvue.node', 'Fanvue')
				: new Fanvue(),
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: credentials(),
			parameters: {
				resource: 'message',
				operation: 'send',
				fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
				text: extra.text ?? '=Thanks for subscribing, {{ $json.name }}!',
				options: { parallelRequests: 3 },
			},
			items: fans.map((fan) => ({ json: { fan: fan.uuid, name: fan.handle } })),
			...extra,
		});
	// A refusal before Fanvue acted: the retry may send it.
	const refuseThird = () =>
		fanvue.script('POST', messagePath(blocked), {
			status: 400,
			body: { message: 'This user cannot be messaged' },
		});

	it('messages an earlier try sent are answered from the record, not sent again; item 3 is sent', async () => {
		refuseThird();
		const { failed, retried, retriedAgain } = await failThenRetryTwice(run, () => undefined);
		expect(failed.error?.message).toBe('Fanvue: This user cannot be messaged');
		expect(retried.error).toBeUndefined();
		expect(retriedAgain.error).toBeUndefined();
		expect(fans.map(messagesTo)).toEqual([1, 1, 1]);
		expect(retried.items.map((item) => item.json.sentByEarlierTry ?? false)).toEqual([
			true,
			true,
			false,
		]);
		expect(retried.items[0].json).toMatchObject({ fanUuid: ada.uuid, sent: true });
		expect(retriedAgain.items.map((item) => item.json.sentByEarlierTry)).toEqual([
			true,
			true,
			true,
		]);
	});

	it('Retry of the first run with the saved workflow (the text changed): nothing sent again', async () => {
		refuseThird();
		const failed = await run({});
		const retried = await run({ retryOf: failed, text: 'Welcome aboard!' });
		expect(retried.error).toBeUndefined();
		expect(fans.map(messagesTo)).toEqual([1, 1, 1]);
		expect(fanvue.messages.find((m) => m.chat === `self/${blocked.uuid}`)?.body.text).toBe(
			'Welcome aboard!',
		);
	});

	it('Retry on the first run after a retry of its retry sent item 3: not sent again', async () => {
		const { firstRetriedAgain } = await retryTheFirstRunAgain(run, refuseThird, () => undefined);
		expect(firstRetriedAgain.error).toBeUndefined();
		expect(fans.map(messagesTo)).toEqual([1, 1, 1]);
		expect(firstRetriedAgain.items.map((item) => item.json.sentByEarlierTry)).toEqual([
			true,
			true,
			true,
		]);
	});

	it('a server error on item 3 (Fanvue may have sent it): the retry refuses it and says what to check', async () => {
		fanvue.script('POST', messagePath(blocked), {
			status: 500,
			body: { message: 'Internal server error' },
		});
		const failed = await run({});
		const retried = await run({ retryOf: failed });
		expect(retried.error?.message).toBe(
			'The message may already be sent: an earlier try of this item failed after its request reached Fanvue',
		);
		expect(retried.error?.description).toContain(`chat with fan ${blocked.uuid}`);
		expect(fanvue.requestsTo('POST', messagePath(blocked))).toHaveLength(1);
	});

	it('node Retry On Fail after a dropped connection: 1 POST, then the refusal', async () => {
		fanvue.script('POST', messagePath(ada), { status: 201, drop: true });
		const result = await runNode({
			nodeType: new Fanvue(),
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: credentials(),
			parameters: {
				resource: 'message',
				operation: 'send',
				fan: { __rl: true, mode: 'id', value: ada.uuid },
				text: 'once',
			},
			retryOnFail: { maxTries: 3, waitBetweenTries: 0 },
		});
		expect(fanvue.requestsTo('POST', messagePath(ada))).toHaveLength(1);
		expect(result.error?.message).toBe(
			'The message may already be sent: an earlier try of this item failed after its request reached Fanvue',
		);
	});

	it('n8n 1.x starts the job again on another worker (same execution id): nothing sent again', async () => {
		const first = await run({ executionId: 'queue-job-7' });
		expect(first.error).toBeUndefined();
		const again = await run({
			nodeType: inAnotherProcess<Fanvue>('../nodes/Fanvue/Fanvue.node', 'Fanvue'),
			executionId: 'queue-job-7',
			continueOnFail: true,
		});
		expect(fans.map(messagesTo)).toEqual([1, 1, 1]);
		expect(again.items.map((item) => item.json.error)).toEqual(
			fans.map(
				() =>
					'This item may already be sent: n8n started this execution again after the worker running it stopped',
			),
		);
		expect(String(again.items[0].json.description)).toContain('QUEUE_WORKER_MAX_STALLED_COUNT=0');
	});

	it('node Retry On Fail in the same process is not taken for a second start', async () => {
		refuseThird();
		const result = await run({
			executionId: 'queue-job-8',
			retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error).toBeUndefined();
		expect(fans.map(messagesTo)).toEqual([1, 1, 1]);
	});

	it('a new execution with the same data sends again', async () => {
		await run({});
		await run({});
		expect(fans.map(messagesTo)).toEqual([2, 2, 2]);
	});
});

describe("Fanvue › Create Chat's first message: Retry from the Executions list", () => {
	const [ada, grace, blocked] = fanvue.fans;
	const fans = [ada, grace, blocked];
	const run = (extra: Partial<RunNodeOptions>) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Fanvue>('../nodes/Fanvue/Fanvue.node', 'Fanvue')
				: new Fanvue(),
			credentialTypes: [new FanvueOAuth2Api()],
			credentials: {
				chatProvidersFanvueOAuth2Api: {
					grantType: 'pkce',
					clientId: fanvue.clientId,
					clientSecret: fanvue.clientSecret,
					accessTokenUrl: `${fanvue.baseUrl}/oauth2/token`,
					authUrl: `${fanvue.baseUrl}/oauth2/auth`,
					authentication: 'header',
					scope: 'read:chat write:chat',
					apiBaseUrl: fanvue.baseUrl,
					oauthTokenData: { ...fanvue.tokens.issueGrant(), token_type: 'bearer' },
				},
			},
			parameters: {
				resource: 'chat',
				operation: 'create',
				fan: { __rl: true, mode: 'id', value: '={{ $json.fan }}' },
				options: { parallelRequests: 3, firstMessage: 'Hi, thanks for following!' },
			},
			items: fans.map((fan) => ({ json: { fan: fan.uuid } })),
			...extra,
		});

	it('the first message goes out once per fan: the retry opens chat 3 and sends only its message', async () => {
		const { retried } = await failThenRetryTwice(run, () => {
			blocked.contactable = true;
		}).finally(() => {
			blocked.contactable = false;
		});
		expect(retried.error).toBeUndefined();
		expect(
			fans.map((fan) => fanvue.messages.filter((m) => m.chat === `self/${fan.uuid}`).length),
		).toEqual([1, 1, 1]);
		expect(retried.items[0].json.firstMessage).toMatchObject({ sentByEarlierTry: true });
		expect(retried.items[2].json.firstMessage).toMatchObject({ sent: true });
	});
});

describe('Chatwoot › Message → Send: Retry from the Executions list (echo_id is not kept by Chatwoot)', () => {
	const credentials = () => ({
		chatProvidersChatwootApi: {
			baseUrl: chatwoot.baseUrl,
			inboxSecret: INBOX,
			contactIdentifier: '',
			hmacToken: '',
		} as ICredentialDataDecryptedObject,
	});
	/** Five contacts, one open conversation each. */
	async function openConversations() {
		const contacts = [1, 2, 3, 4, 5].map(() => chatwoot.addContact(INBOX));
		const opened = await runNode({
			nodeType: new Chatwoot(),
			credentialTypes: [new ChatwootApi()],
			credentials: credentials(),
			parameters: {
				resource: 'conversation',
				operation: 'create',
				contactSource: 'identifier',
				contactIdentifier: '={{ $json.contact }}',
			},
			items: contacts.map((contact) => ({ json: { contact } })),
		});
		expect(opened.error).toBeUndefined();
		return opened.items.map((item) => ({
			contact: String(item.json.contactIdentifier),
			conversation: Number(item.json.id),
		}));
	}
	const messagesPer = () =>
		chatwoot.conversations.map((conversation) => conversation.messages.length);
	const runFor =
		(rows: Array<{ contact: string; conversation: number }>, content = '=Note {{ $json.n }}') =>
		(extra: Partial<RunNodeOptions>) =>
			runNode({
				nodeType: extra.retryOf
					? inAnotherProcess<Chatwoot>('../nodes/Chatwoot/Chatwoot.node', 'Chatwoot')
					: new Chatwoot(),
				credentialTypes: [new ChatwootApi()],
				credentials: credentials(),
				parameters: {
					resource: 'message',
					operation: 'send',
					contactIdentifier: '={{ $json.contact }}',
					conversationId: '={{ $json.conversation }}',
					content,
					options: { parallelRequests: 5 },
				},
				items: rows.map((row, i) => ({ json: { ...row, n: i + 1 } })),
				...extra,
			});
	const refuseItem3 = () =>
		chatwoot.scriptFor('POST', /\/messages$/, '"Note 3"', {
			status: 422,
			body: { status: 422, error: 'Unprocessable Entity' },
		});

	it('messages an earlier try posted are answered from the record; item 3 is posted', async () => {
		const run = runFor(await openConversations());
		refuseItem3();
		const { failed, retried, retriedAgain } = await failThenRetryTwice(run, () => undefined);
		expect(failed.error?.message).toBe('Chatwoot: Unprocessable Entity');
		expect(retried.error).toBeUndefined();
		expect(retriedAgain.error).toBeUndefined();
		expect(messagesPer()).toEqual([1, 1, 1, 1, 1]);
		expect(retried.items.map((item) => item.json.sentByEarlierTry ?? false)).toEqual([
			true,
			true,
			false,
			true,
			true,
		]);
	});

	it('Retry of the first run with the saved workflow (the content changed): nothing posted again', async () => {
		const rows = await openConversations();
		refuseItem3();
		const failed = await runFor(rows)({});
		const retried = await runFor(rows, 'Changed text')({ retryOf: failed });
		expect(retried.error).toBeUndefined();
		expect(messagesPer()).toEqual([1, 1, 1, 1, 1]);
	});

	it('Retry on the first run after a retry of its retry posted item 3: not posted again', async () => {
		const run = runFor(await openConversations());
		const { firstRetriedAgain } = await retryTheFirstRunAgain(run, refuseItem3, () => undefined);
		expect(firstRetriedAgain.error).toBeUndefined();
		expect(messagesPer()).toEqual([1, 1, 1, 1, 1]);
	});

	it('a server error on item 3 (Chatwoot may have posted it): the retry refuses it', async () => {
		const run = runFor(await openConversations());
		chatwoot.scriptFor('POST', /\/messages$/, '"Note 3"', {
			status: 500,
			body: { status: 500, error: 'Internal Server Error' },
		});
		const failed = await run({});
		const retried = await run({ retryOf: failed });
		expect(retried.error?.message).toBe(
			'The message may already be posted: an earlier try of this item failed after its request reached Chatwoot',
		);
		const item3Posts = chatwoot
			.requestsTo('POST', /\/messages$/)
			.filter((request) => request.rawBody.includes('"Note 3"'));
		expect(item3Posts).toHaveLength(1);
	});

	it('a new execution with the same data posts again', async () => {
		const run = runFor(await openConversations());
		await run({});
		await run({});
		expect(messagesPer()).toEqual([2, 2, 2, 2, 2]);
	});
});

describe('Chatwoot › Contact → Create: Retry from the Executions list', () => {
	const credentials = () => ({
		chatProvidersChatwootApi: {
			baseUrl: chatwoot.baseUrl,
			inboxSecret: INBOX,
			contactIdentifier: '',
			hmacToken: '',
		} as ICredentialDataDecryptedObject,
	});
	const run = (extra: Partial<RunNodeOptions>) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Chatwoot>('../nodes/Chatwoot/Chatwoot.node', 'Chatwoot')
				: new Chatwoot(),
			credentialTypes: [new ChatwootApi()],
			credentials: credentials(),
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: '={{ $json.name }}',
				options: { parallelRequests: 5 },
			},
			items: five((n) => ({ name: `Lead ${n}` })),
			...extra,
		});

	it('Create: the retry carries the same source_ids, so Chatwoot hands back the contacts it has', async () => {
		chatwoot.scriptFor('POST', /\/contacts$/, '"Lead 3"', {
			status: 422,
			body: { status: 422, error: 'Unprocessable Entity' },
		});
		const before = chatwoot.contacts.length;
		const { retried, retriedAgain } = await failThenRetryTwice(run, () => undefined);
		expect(retried.error).toBeUndefined();
		expect(chatwoot.contacts.length - before).toBe(5);
		expect(retriedAgain.items.map((item) => item.json.contactIdentifier)).toEqual(
			retried.items.map((item) => item.json.contactIdentifier),
		);
	});

	it('Create: a new execution creates new contacts', async () => {
		const before = chatwoot.contacts.length;
		await run({});
		await run({});
		expect(chatwoot.contacts.length - before).toBe(10);
	});
});

describe('Chert › Message → Send: Retry from the Executions list', () => {
	const leads = [1, 2, 3, 4, 5].map((n) => `+1415555200${n}`);
	const credentials = {
		chatProvidersChertApi: {
			signingSecret: chert.singleTenant.signingSecret,
			baseUrl: '',
			authMethod: 'bearer',
			tenantSlug: '',
		} as ICredentialDataDecryptedObject,
	};
	const withBaseUrl = () => ({
		chatProvidersChertApi: { ...credentials.chatProvidersChertApi, baseUrl: chert.apiBaseUrl },
	});
	async function openChats(): Promise<string[]> {
		const opened = await runNode({
			nodeType: new Chert(),
			credentialTypes: [new ChertApi()],
			credentials: withBaseUrl(),
			parameters: {
				resource: 'chat',
				operation: 'create',
				from: { __rl: true, mode: 'number', value: '+15555550100' },
				to: '={{ $json.lead }}',
				parts: { part: [{ type: 'text', text: 'Hi - got a minute?' }] },
			},
			items: leads.map((lead) => ({ json: { lead } })),
		});
		expect(opened.error).toBeUndefined();
		return opened.items.map((item) => String((item.json.chat as { id: string }).id));
	}
	const runFor =
		(chatIds: string[], text = '=Follow-up {{ $json.n }}') =>
		(extra: Partial<RunNodeOptions>) =>
			runNode({
				nodeType: extra.retryOf
					? inAnotherProcess<Chert>('../nodes/Chert/Chert.node', 'Chert')
					: new Chert(),
				credentialTypes: [new ChertApi()],
				credentials: withBaseUrl(),
				parameters: {
					resource: 'message',
					operation: 'send',
					chatId: '={{ $json.chatId }}',
					parts: { part: [{ type: 'text', text }] },
					options: { parallelRequests: 5 },
				},
				items: chatIds.map((chatId, i) => ({ json: { chatId, n: i + 1 } })),
				...extra,
			});
	const followUps = (chatIds: string[]) =>
		chatIds.map(
			(chatId) =>
				chert.messages.filter((m) => m.chatId === chatId && m.direction === 'outbound').length - 1,
		);
	const refuseItem3 = (chatIds: string[]) =>
		chert.script('POST', new RegExp(`/chats/${chatIds[2]}/messages$`), {
			status: 400,
			body: {
				success: false,
				error: { status: 400, code: 1001, message: 'parts are required', retryable: false },
				trace_id: 'trc_send_3',
			},
		});

	it('one follow-up per chat: the retry carries the same idempotency keys, and Chert replays', async () => {
		const chatIds = await openChats();
		const run = runFor(chatIds);
		refuseItem3(chatIds);
		const { failed, retried, retriedAgain } = await failThenRetryTwice(run, () => undefined);
		expect(failed.error?.message).toBe('Chert: parts are required');
		expect(retried.error).toBeUndefined();
		expect(retriedAgain.error).toBeUndefined();
		expect(followUps(chatIds)).toEqual([1, 1, 1, 1, 1]);
		expect(retriedAgain.items.map((item) => (item.json.message as { id: string }).id)).toEqual(
			retried.items.map((item) => (item.json.message as { id: string }).id),
		);
	});

	it('the message changed before a Retry with the saved workflow: a clear error, no second message', async () => {
		const chatIds = await openChats();
		refuseItem3(chatIds);
		const failed = await runFor(chatIds)({});
		const retried = await runFor(
			chatIds,
			'=Changed follow-up {{ $json.n }}',
		)({
			retryOf: failed,
		});
		expect(retried.error?.message).toBe(
			'Chert: The message for this item was already sent by an earlier try of this execution (Chert: idempotency_key was already used with a different request body)',
		);
		expect(retried.error?.description).toContain('was not sent as a second one');
		// Item 3 had not gone out: its changed message is its first.
		expect(followUps(chatIds)).toEqual([1, 1, 1, 1, 1]);
	});

	it('a new execution with the same data sends again', async () => {
		const chatIds = await openChats();
		await runFor(chatIds)({});
		await runFor(chatIds)({});
		expect(followUps(chatIds)).toEqual([2, 2, 2, 2, 2]);
	});
});

describe('Recoup › Update Topic and Delete: Retry from the Executions list', () => {
	const ids = [1, 2, 3, 4, 5].map((n) => `5a3f0c6e-0000-4000-8000-00000000000${n}`);
	const run = (parameters: Record<string, unknown>) => (extra: Partial<RunNodeOptions>) =>
		runNode({
			nodeType: extra.retryOf
				? inAnotherProcess<Recoup>('../nodes/Recoup/Recoup.node', 'Recoup')
				: new Recoup(),
			credentialTypes: [new RecoupApi()],
			credentials: { chatProvidersRecoupApi: { apiKey: recoup.apiKey, baseUrl: recoup.baseUrl } },
			parameters: {
				resource: 'chat',
				chatId: '={{ $json.id }}',
				...parameters,
				options: { parallelRequests: 5 },
			},
			items: ids.map((id) => ({ json: { id } })),
			...extra,
		});
	const refuseItem3 = (method: string) =>
		recoup.scriptFor(method, '/api/chats', ids[2], {
			status: 403,
			body: { status: 'error', error: 'Access denied to specified account_id' },
		});

	it('Update Topic: the retry sets the same topic again, which changes nothing more', async () => {
		for (const id of ids) recoup.addChat({ id, topic: 'Old name' });
		refuseItem3('PATCH');
		const { retried } = await failThenRetryTwice(
			run({ operation: 'updateTopic', topic: 'Spring tour' }),
			() => undefined,
		);
		expect(retried.error).toBeUndefined();
		expect(ids.map((id) => recoup.chats.get(id)?.topic)).toEqual(ids.map(() => 'Spring tour'));
	});

	it('Delete: chats an earlier try deleted count as deleted, so the retry succeeds', async () => {
		for (const id of ids) recoup.addChat({ id });
		refuseItem3('DELETE');
		const { retried } = await failThenRetryTwice(run({ operation: 'delete' }), () => undefined);
		expect(retried.error).toBeUndefined();
		expect(recoup.chats.size).toBe(0);
		expect(retried.items.map((item) => item.json.alreadyDeleted)).toEqual([
			true,
			true,
			false,
			true,
			true,
		]);
	});
});

describe('Retry of a crashed execution: what n8n hands the retry tells the node', () => {
	const placeholder = { data: { main: [[{ json: { isArtificialRecoveredEventItem: true } }]] } };
	const real = { data: { main: [[{ json: { id: 1 } }]] } };
	/** A node's context as n8n-core builds it for a retry, with the run data n8n restored. */
	const contextWith = (mode: string, runData: Record<string, unknown[]>) =>
		({
			getMode: () => mode,
			getNode: () => ({ name: 'Send', id: 'send' }),
			getWorkflow: () => ({ id: 'wf' }),
			getExecutionId: () => '9',
			getWorkflowDataProxy: () => ({ $execution: { customData: new Map() } }),
			runIndex: 0,
			runExecutionData: { resultData: { runData } },
		}) as unknown as Parameters<typeof retriesCrashedRun>[0];

	it.each([
		[
			'the node crashed mid-run (its entry dropped by Retry, upstream placeholders)',
			'retry',
			{ Start: [placeholder, real], Send: [] },
			true,
		],
		[
			'the node had finished before the crash (its own output a placeholder)',
			'retry',
			{ Start: [placeholder, real], Send: [placeholder] },
			true,
		],
		['the crash was upstream: the node never ran', 'retry', { Start: [placeholder, real] }, false],
		[
			'an ordinary failed run retried (the failed entry dropped, no placeholders)',
			'retry',
			{ Start: [real], Send: [] },
			false,
		],
		['not a retry', 'webhook', { Start: [placeholder], Send: [] }, false],
	])('%s', (_case, mode, runData, crashed) => {
		const ctx = contextWith(mode, runData);
		expect(retriesCrashedRun(ctx)).toBe(crashed);
		if (crashed) {
			expect(() => stableItemKey(ctx, 2, 'chert-send-message')).toThrow(
				'This item may already be sent: the execution this retry repeats stopped while the node was running',
			);
		} else {
			expect(stableItemKey(ctx, 2, 'chert-send-message')).toMatch(/^[0-9a-f]{64}$/);
		}
	});
});

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { chert } from '../Chert/transport';

export const CHERT_CREDENTIAL = 'chatProvidersChertApi';

/**
 * What the node keeps in the workflow's static data (as n8n's Stripe Trigger does): the
 * subscription it made, and its secret sealed with a key derived from the Chert credential.
 * n8n copies static data into every execution it saves, so the secret itself is never kept.
 */
export interface Registration {
	subscriptionId?: string;
	sealedSecret?: string;
	url?: string;
	/** The events subscribed to, comma-separated; '*' for all. */
	events?: string;
}

interface Subscription {
	id: string;
	url: string;
}

const SEAL_PURPOSE = 'n8n-nodes-chat-providers/chert-trigger/subscription-secret/v1';

function sealKey(signingSecret: string): Buffer {
	return createHmac('sha256', signingSecret).update(SEAL_PURPOSE).digest();
}

/** AES-256-GCM: `<iv>.<tag>.<ciphertext>`, base64url. */
export function sealSecret(secret: string, signingSecret: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', sealKey(signingSecret), iv);
	const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

/** The secret, or undefined when the seal was made with another signing secret. */
export function unsealSecret(sealed: string, signingSecret: string): string | undefined {
	const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
	if (!iv || !tag || !data) return undefined;
	try {
		const decipher = createDecipheriv('aes-256-gcm', sealKey(signingSecret), iv);
		decipher.setAuthTag(tag);
		return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

export function registrationOf(context: IHookFunctions | IWebhookFunctions): Registration {
	return context.getWorkflowStaticData('node') as Registration;
}

function forgetRegistration(registration: Registration): void {
	delete registration.subscriptionId;
	delete registration.sealedSecret;
	delete registration.url;
	delete registration.events;
}

const eventsKey = (events: string[] | undefined) => (events ? events.join(',') : '*');

const asObject = (value: unknown): IDataObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: {};

const textOf = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

async function signingSecretOf(context: IHookFunctions | IWebhookFunctions): Promise<string> {
	const credentials = await context.getCredentials(CHERT_CREDENTIAL);
	return String(credentials.signingSecret ?? '');
}

const subscriptionsPath = '/webhook-subscriptions';

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '404';
}

/** GET /webhook-subscriptions: `{subscriptions: [...]}` (secrets never included). */
async function listSubscriptions(context: IHookFunctions): Promise<Subscription[]> {
	const client = await chert.client(context);
	const answer = await client.get(subscriptionsPath, {
		call: { subscription: 'Listing webhook subscriptions failed' },
	});
	const body = asObject(answer.body);
	const list = Array.isArray(body.subscriptions)
		? body.subscriptions
		: Array.isArray(body.data)
			? body.data
			: [];
	return (list as unknown[])
		.map(asObject)
		.filter((entry) => typeof entry.id === 'string' && typeof entry.url === 'string')
		.map((entry) => ({ id: entry.id as string, url: entry.url as string }));
}

/** Deletes a subscription; one that is already gone (404) counts as deleted. */
async function deleteSubscription(context: IHookFunctions, id: string): Promise<void> {
	const client = await chert.client(context);
	await client
		.delete(`${subscriptionsPath}/${encodeURIComponent(id)}`, undefined, {
			idempotent: true,
			call: { subscription: `Deleting webhook subscription ${id} failed` },
		})
		.catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
}

/** Our subscription exists when Chert lists the one we made, at this node's URL. */
export async function subscriptionExists(
	context: IHookFunctions,
	events: string[] | undefined,
): Promise<boolean> {
	const registration = registrationOf(context);
	const url = context.getNodeWebhookUrl('default');
	if (
		!registration.subscriptionId ||
		!registration.sealedSecret ||
		registration.url !== url ||
		registration.events !== eventsKey(events)
	) {
		return false;
	}
	const listed = await listSubscriptions(context);
	return listed.some(
		(subscription) => subscription.id === registration.subscriptionId && subscription.url === url,
	);
}

/**
 * Makes the subscription: any other subscription at this node's URL is one whose secret this node
 * no longer has (an earlier activation), so it is removed first; then POST, and the secret, shown
 * only in this answer, is sealed into the static data.
 */
export async function createSubscription(
	context: IHookFunctions,
	events: string[] | undefined,
): Promise<void> {
	const url = context.getNodeWebhookUrl('default');
	if (!url) {
		throw new NodeOperationError(context.getNode(), 'n8n gave this trigger no webhook URL', {
			description: "Set n8n's WEBHOOK_URL to this n8n's public HTTPS address.",
		});
	}
	for (const subscription of await listSubscriptions(context)) {
		if (subscription.url === url) await deleteSubscription(context, subscription.id);
	}
	const client = await chert.client(context);
	// Not idempotent: Chert would make a second subscription, so it is never sent twice.
	const answer = await client.post(
		subscriptionsPath,
		{ url, ...(events ? { events } : {}) },
		{ call: { subscription: 'Chert refused the webhook subscription' } },
	);
	const subscription = asObject(asObject(answer.body).subscription);
	const id = textOf(subscription.id);
	const secret = textOf(subscription.secret);
	if (!id || !secret) {
		throw client.error(
			{
				message: 'The new webhook subscription came back without its id or secret',
				hint: "Delete it in Chert's console and activate the workflow again.",
				statusCode: answer.statusCode,
			},
			secret ? [secret] : [],
		);
	}
	const registration = registrationOf(context);
	registration.subscriptionId = id;
	registration.sealedSecret = sealSecret(secret, await signingSecretOf(context));
	registration.url = url;
	registration.events = eventsKey(events);
}

/** Removes our subscription at deactivation; what is kept of it is forgotten either way. */
export async function removeSubscription(context: IHookFunctions): Promise<boolean> {
	const registration = registrationOf(context);
	const id = registration.subscriptionId;
	forgetRegistration(registration);
	if (!id) return true;
	try {
		await deleteSubscription(context, id);
		return true;
	} catch {
		// The next activation removes a subscription left at this URL before making its own.
		return false;
	}
}

/** The secret of the subscription this node made, for checking deliveries. */
export async function registeredSecret(context: IWebhookFunctions): Promise<string | undefined> {
	const { sealedSecret } = registrationOf(context);
	if (!sealedSecret) return undefined;
	return unsealSecret(sealedSecret, await signingSecretOf(context));
}

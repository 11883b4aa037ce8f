import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import {
	jsonParse,
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

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

interface ChertAnswer {
	statusCode: number;
	body: IDataObject;
}

interface Subscription {
	id: string;
	url: string;
}

const SEAL_PURPOSE = 'n8n-nodes-chat-providers/chert-trigger/subscription-secret/v1';

const PUBLIC_HTTPS_HINT =
	"Chert delivers only to a public HTTPS URL. Set n8n's WEBHOOK_URL to this n8n's public HTTPS address (for example https://n8n.example.com/) and activate the workflow again, or create the subscription in Chert's console and choose Subscription Made in Chert's Console.";

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

/**
 * One request to Chert's API with the Chert credential. The shared request layer takes only
 * execute and list-search contexts, so activation hooks send through n8n's helper here.
 */
async function chertRequest(
	context: IHookFunctions,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
): Promise<ChertAnswer> {
	const credentials = await context.getCredentials(CHERT_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	let answer: { statusCode: number; body: unknown };
	try {
		answer = (await context.helpers.httpRequestWithAuthentication.call(context, CHERT_CREDENTIAL, {
			method,
			url: `${baseUrl}${path}`,
			headers: {
				Accept: 'application/json',
				...(body ? { 'Content-Type': 'application/json' } : {}),
			},
			// One fixed string: a signed credential signs exactly these bytes.
			body: body ? JSON.stringify(body) : undefined,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		throw chertError(context, {
			message: `Could not reach Chert (${(error as Error).message})`,
			hint: 'Check Base URL in the Chert credential and that Chert is reachable from this n8n.',
			secrets: [String(credentials.signingSecret ?? '')],
		});
	}
	let parsed: unknown = answer.body;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		const text = parsed;
		try {
			parsed = text.trim() === '' ? {} : jsonParse(text);
		} catch {
			parsed = { message: text.slice(0, 200) };
		}
	}
	return { statusCode: answer.statusCode, body: asObject(parsed) };
}

function chertError(
	context: IHookFunctions,
	failure: {
		message: string;
		hint: string;
		statusCode?: number;
		code?: unknown;
		traceId?: string;
		secrets: string[];
	},
): NodeApiError {
	const redact = (text: string) =>
		failure.secrets.reduce(
			(result, secret) => (secret.length >= 4 ? result.split(secret).join('[redacted]') : result),
			text,
		);
	const message = `Chert: ${redact(failure.message)}`;
	const details = [
		failure.code !== undefined ? `code ${String(failure.code)}` : undefined,
		failure.traceId ? `trace id ${failure.traceId}` : undefined,
	].filter(Boolean);
	const response: JsonObject = {
		provider: 'Chert',
		message: redact(failure.message),
		...(failure.statusCode !== undefined ? { statusCode: failure.statusCode } : {}),
		...(failure.code !== undefined ? { code: String(failure.code) } : {}),
		...(failure.traceId ? { traceId: failure.traceId } : {}),
	};
	const error = new NodeApiError(context.getNode(), response, {
		message,
		description: `${failure.hint}${details.length ? ` (Chert ${details.join(', ')})` : ''}`,
		httpCode: failure.statusCode !== undefined ? String(failure.statusCode) : undefined,
	});
	// NodeApiError swaps some messages for generic sentences; Chert's own words stay.
	error.message = message;
	return error;
}

/** Chert's envelope {error: {code, message}, trace_id} in the user's terms. */
async function failureOf(
	context: IHookFunctions,
	answer: ChertAnswer,
	doing: string,
): Promise<NodeApiError> {
	const error = asObject(answer.body.error);
	const said = textOf(error.message) ?? textOf(answer.body.message) ?? `HTTP ${answer.statusCode}`;
	const code = error.code;
	const hint =
		answer.statusCode === 401
			? 'Chert did not accept the Chert credential. Check Signing Secret, Authenticate With and Tenant Slug in it.'
			: answer.statusCode === 404
				? 'Check Base URL in the Chert credential (it ends in /api/v1).'
				: answer.statusCode >= 400 && answer.statusCode < 500 && /url|https/i.test(said)
					? PUBLIC_HTTPS_HINT
					: answer.statusCode >= 500
						? 'Chert had a problem. Activate the workflow again in a moment.'
						: 'Check the Chert credential and the Events chosen.';
	return chertError(context, {
		message: `${doing}: ${said}`,
		hint,
		statusCode: answer.statusCode,
		code,
		traceId: textOf(answer.body.trace_id),
		secrets: [await signingSecretOf(context)],
	});
}

const isSuccess = (answer: ChertAnswer) => answer.statusCode >= 200 && answer.statusCode < 300;

/** GET /webhook-subscriptions: `{subscriptions: [...]}` (secrets never included). */
async function listSubscriptions(context: IHookFunctions): Promise<Subscription[]> {
	const answer = await chertRequest(context, 'GET', '/webhook-subscriptions');
	if (!isSuccess(answer)) {
		throw await failureOf(context, answer, 'Listing webhook subscriptions failed');
	}
	const list = Array.isArray(answer.body.subscriptions)
		? answer.body.subscriptions
		: Array.isArray(answer.body.data)
			? answer.body.data
			: [];
	return (list as unknown[])
		.map(asObject)
		.filter((entry) => typeof entry.id === 'string' && typeof entry.url === 'string')
		.map((entry) => ({ id: entry.id as string, url: entry.url as string }));
}

/** Deletes a subscription; one that is already gone (404) counts as deleted. */
async function deleteSubscription(context: IHookFunctions, id: string): Promise<void> {
	const answer = await chertRequest(
		context,
		'DELETE',
		`/webhook-subscriptions/${encodeURIComponent(id)}`,
	);
	if (!isSuccess(answer) && answer.statusCode !== 404) {
		throw await failureOf(context, answer, `Deleting webhook subscription ${id} failed`);
	}
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
	const answer = await chertRequest(context, 'POST', '/webhook-subscriptions', {
		url,
		...(events ? { events } : {}),
	});
	if (!isSuccess(answer)) {
		throw await failureOf(context, answer, 'Chert refused the webhook subscription');
	}
	const subscription = asObject(answer.body.subscription);
	const id = textOf(subscription.id);
	const secret = textOf(subscription.secret);
	if (!id || !secret) {
		throw chertError(context, {
			message: 'The new webhook subscription came back without its id or secret',
			hint: "Delete it in Chert's console and activate the workflow again.",
			statusCode: answer.statusCode,
			secrets: [await signingSecretOf(context), ...(secret ? [secret] : [])],
		});
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

import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { deliveryMemory, scopeOf } from './deliveries';
import { eventIdOf, eventNameOf, isWanted, toOutput } from './events';
import { checkSignature, SIGNATURE_HEADERS } from './signature';
import { registeredSecret } from './subscription';

export const WEBHOOK_CREDENTIAL = 'chatProvidersChertWebhookApi';

/** Answers here and starts nothing (n8n sends no answer of its own then). */
function refuse(context: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	context
		.getResponseObject()
		.status(status)
		.json({ message: `Chert Trigger: ${reason}` });
	return { noWebhookResponse: true };
}

function headerOf(context: IWebhookFunctions, name: string): string | undefined {
	const value = (context.getHeaderData() as IDataObject)[name];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer> {
	const request = context.getRequestObject();
	// n8n reads the bytes before parsing JSON; for other content types it may not have yet.
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
}

async function secretOf(context: IWebhookFunctions): Promise<string | undefined> {
	if (context.getNodeParameter('setup', 'automatic') === 'manual') {
		const credentials = await context.getCredentials(WEBHOOK_CREDENTIAL);
		const secret = String(credentials.webhookSecret ?? '').trim();
		return secret === '' ? undefined : secret;
	}
	return await registeredSecret(context);
}

/**
 * One delivery from Chert: a valid signature within the window, then one execution per event id
 * (Chert's dedupe key) and per signed request; deliveries of events not chosen start nothing.
 */
export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const secret = await secretOf(this);
	if (secret === undefined) {
		return refuse(
			this,
			401,
			this.getNodeParameter('setup', 'automatic') === 'manual'
				? 'the Chert Webhook credential has no Subscription Secret to check deliveries with'
				: 'this trigger has no subscription secret (it was made with another Chert signing secret, or not at all): deactivate and activate the workflow again',
		);
	}

	const rawBody = await rawBodyOf(this);
	const nowSeconds = Math.floor(Date.now() / 1000);
	const header = SIGNATURE_HEADERS.map((name) => headerOf(this, name)).find(Boolean);
	const check = checkSignature({ header, rawBody, secret, nowSeconds });
	if (!check.valid) return refuse(this, 401, check.reason);

	let envelope: IDataObject;
	try {
		envelope = jsonParse<IDataObject>(rawBody.toString('utf8'));
	} catch (error) {
		return refuse(this, 400, `the body is not JSON: ${(error as Error).message}`);
	}
	if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
		return refuse(this, 400, 'the body is not a JSON object');
	}

	const event = eventNameOf(envelope, headerOf(this, 'x-webhook-event'));
	const eventId = eventIdOf(envelope, headerOf(this, 'x-webhook-event-id'));
	const memory = deliveryMemory(scopeOf(this));
	if (eventId !== undefined && memory.isDuplicate(eventId)) {
		memory.record(check.signature, check.timestamp, nowSeconds);
		// 2xx, so Chert stops retrying; the first delivery already started the workflow.
		return { webhookResponse: { received: true, started: false, reason: 'duplicate event' } };
	}
	if (memory.isReplay(check.signature)) {
		return refuse(this, 401, 'this signed request was received before (a replay)');
	}
	memory.record(check.signature, check.timestamp, nowSeconds, eventId);

	const chosen = this.getNodeParameter('events', []) as string[];
	if (!isWanted(event, chosen)) {
		return { webhookResponse: { received: true, started: false, reason: 'event not selected' } };
	}
	return { workflowData: [this.helpers.returnJsonArray(toOutput(envelope, event, eventId))] };
}

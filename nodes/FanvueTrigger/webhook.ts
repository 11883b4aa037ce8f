import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { deliveryMemory, type DeliveryScope } from './deliveries';
import { eventIdOf, isFanvueEvent, toOutput } from './events';
import { checkSignature, SIGNATURE_HEADER } from './signature';

export const WEBHOOK_CREDENTIAL = 'chatProvidersFanvueWebhookApi';

/** Answers the request here and starts nothing (n8n sends no answer of its own then). */
function refuse(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

export const scopeOf = (context: { getMode(): string }): DeliveryScope =>
	context.getMode() === 'manual' ? 'test' : 'production';

async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer> {
	const request = context.getRequestObject();
	// n8n reads the bytes before parsing JSON; for other content types it may not have yet.
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
}

/**
 * One delivery from Fanvue: a valid signature within the replay window, not a replay of an
 * accepted request, and not a second delivery of an event already started; only then one item.
 */
export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const event = this.getNodeParameter('event');
	if (!isFanvueEvent(event)) return refuse(this, 404, 'This Fanvue Trigger has no such event');

	const credentials = await this.getCredentials(WEBHOOK_CREDENTIAL);
	const secret = String(credentials.webhookSecret ?? '').trim();
	if (secret === '') {
		return refuse(this, 401, 'The Fanvue Trigger has no webhook signing secret to check with');
	}

	const rawBody = await rawBodyOf(this);
	const headerValue = this.getHeaderData()[SIGNATURE_HEADER];
	const nowSeconds = Math.floor(Date.now() / 1000);
	const check = checkSignature({
		header: Array.isArray(headerValue) ? headerValue[0] : headerValue,
		rawBody,
		secret,
		nowSeconds,
	});
	if (!check.valid) return refuse(this, 401, check.reason);

	const memory = deliveryMemory(this.getWorkflow().id ?? '', this.getNode().id, scopeOf(this));
	if (memory.isReplay(check.signature)) {
		return refuse(this, 401, 'This signed request was received before (a replay)');
	}

	let payload: IDataObject;
	try {
		payload = jsonParse<IDataObject>(rawBody.toString('utf8'));
	} catch (error) {
		return refuse(this, 400, `The body is not JSON: ${(error as Error).message}`);
	}
	if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
		return refuse(this, 400, 'The body is not a JSON object');
	}

	const eventId = eventIdOf(event, payload);
	if (eventId !== undefined && memory.isDuplicate(eventId)) {
		memory.record(check.signature, check.timestamp, nowSeconds);
		// 2xx, so Fanvue stops retrying; the first delivery already started the workflow.
		return { webhookResponse: { received: true, duplicate: true } };
	}
	memory.record(check.signature, check.timestamp, nowSeconds, eventId);
	return { workflowData: [this.helpers.returnJsonArray(toOutput(event, payload))] };
}

import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { firstDelivery } from './deliveries';
import { deliveryKeys, eventOptions, flattenEvent, isWanted } from './event';
import { verifyChatwootSignature } from './signature';

const CHATWOOT_CREDENTIAL = 'chatProvidersChatwootApi';

function headerOf(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Answers 401 and starts nothing. The reason names what failed, never the secret. */
function refuse(context: IWebhookFunctions, reason: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(401).json({ message: `Chatwoot Trigger: ${reason}` });
	return { noWebhookResponse: true };
}

export class ChatwootTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chatwoot Trigger',
		name: 'chatwootTrigger',
		icon: { light: 'file:../../icons/chatwoot.svg', dark: 'file:../../icons/chatwoot.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow when Chatwoot posts an event: a contact writes, a conversation opens or changes status',
		defaults: { name: 'Chatwoot Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CHATWOOT_CREDENTIAL, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'chatwoot',
			},
		],
		properties: [
			{
				displayName:
					"Chatwoot's public client API cannot register webhooks. Copy this node's Production URL (above) into Chatwoot: Settings → Inboxes → your API inbox → Configuration → Webhook URL, or Settings → Integrations → Webhooks → Add New Webhook. Put the Webhook Secret Chatwoot shows there into the credential to have every delivery's signature checked.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: eventOptions,
				default: ['message_created:incoming'],
				description:
					'Which deliveries start the workflow; the others are answered 200 and start nothing',
			},
		],
	};

	// Chatwoot's public client API (the credential's inbox identifier) has no webhook endpoints:
	// the user pastes the URL into Chatwoot (see the notice), so there is nothing to register,
	// check or remove on activation and deactivation.
	webhookMethods = {
		default: {
			checkExists: async (): Promise<boolean> => true,
			create: async (): Promise<boolean> => true,
			delete: async (): Promise<boolean> => true,
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials(CHATWOOT_CREDENTIAL);
		const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
		const headers = this.getHeaderData() as IDataObject;
		const deliveryId = headerOf(headers, 'x-chatwoot-delivery');

		const signed = secret.trim() !== '';
		if (signed) {
			const verdict = verifyChatwootSignature({
				secret: secret.trim(),
				rawBody: this.getRequestObject().rawBody,
				signature: headerOf(headers, 'x-chatwoot-signature'),
				timestamp: headerOf(headers, 'x-chatwoot-timestamp'),
				nowSeconds: Math.floor(Date.now() / 1000),
			});
			if (!verdict.ok) return refuse(this, verdict.reason);
		}

		const body = this.getBodyData();
		const wanted = this.getNodeParameter('events', []) as string[];
		if (!isWanted(body, wanted)) {
			return { webhookResponse: { received: true, started: false, reason: 'event not selected' } };
		}
		const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${this.getMode()}`;
		if (!firstDelivery(scope, deliveryKeys(body, deliveryId))) {
			// 200, so Chatwoot stops retrying a delivery that already started an execution.
			return { webhookResponse: { received: true, started: false, reason: 'duplicate delivery' } };
		}

		return {
			workflowData: [
				[
					{
						json: {
							...flattenEvent(body),
							signed,
							deliveryId: deliveryId ?? null,
							body,
						},
					},
				],
			],
		};
	}
}

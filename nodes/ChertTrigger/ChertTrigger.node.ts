import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IHookFunctions,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { forgetDeliveries, scopeOf } from './deliveries';
import { EVENT_OPTIONS, subscribedEvents } from './events';
import { createSubscription, removeSubscription, subscriptionExists } from './subscription';
import { receiveDelivery } from './webhook';

const isManual = (context: IHookFunctions) =>
	context.getNodeParameter('setup', 'automatic') === 'manual';

const chosenEvents = (context: IHookFunctions) =>
	subscribedEvents(context.getNodeParameter('events', []) as string[]);

export class ChertTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chert Trigger',
		name: 'chertTrigger',
		icon: { light: 'file:../../icons/chert.svg', dark: 'file:../../icons/chert.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["events"].join(", ")}}',
		description: 'Starts the workflow when a lead replies or reacts in a Chert iMessage chat',
		defaults: { name: 'Chert Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'chatProvidersChertApi',
				required: true,
				displayOptions: { show: { setup: ['automatic'] } },
			},
			{
				name: 'chatProvidersChertWebhookApi',
				required: true,
				testedBy: 'chertWebhookSecret',
				displayOptions: { show: { setup: ['manual'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'chert',
			},
		],
		properties: [
			{
				displayName: 'Setup',
				name: 'setup',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Register With the Chert API',
						value: 'automatic',
						description:
							'Activating the workflow creates a webhook subscription for this URL with the Chert API credential; deactivating deletes it',
					},
					{
						name: "Subscription Made in Chert's Console",
						value: 'manual',
						description: 'You add the webhook in Chert and paste its secret into a credential',
					},
				],
				default: 'automatic',
			},
			{
				displayName:
					"Activating the workflow registers this node's Production URL (above) with Chert as a webhook subscription; deactivating deletes it. Chert delivers only to a public HTTPS URL: n8n's WEBHOOK_URL must be this n8n's public HTTPS address.",
				name: 'automaticNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { setup: ['automatic'] } },
			},
			{
				displayName:
					"In Chert's console add a webhook endpoint with this node's Production URL (above) and the events chosen below, then paste the secret Chert shows once into the Chert Webhook credential. It is not your API signing secret.",
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { setup: ['manual'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: EVENT_OPTIONS,
				default: ['message.received'],
				description:
					'Which events start the workflow. Registered subscriptions ask Chert for these only; other deliveries are answered 200 and start nothing.',
			},
		],
	};

	methods = {
		credentialTest: {
			async chertWebhookSecret(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const secret = String(credential.data?.webhookSecret ?? '').trim();
				if (secret === '') {
					return {
						status: 'Error',
						message: 'Paste the secret Chert showed when the webhook subscription was created',
					};
				}
				if (!/^[0-9a-f]{64}$/i.test(secret)) {
					return {
						status: 'Error',
						message:
							"Chert's subscription secrets are 64 hexadecimal characters (32 bytes). Is this the API signing secret instead?",
					};
				}
				// Chert offers no request that checks a subscription secret; a delivery does.
				return {
					status: 'OK',
					message:
						"Saved. A delivery signed with another secret is answered 401: Chert's event log shows each attempt.",
				};
			},
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// A console-made subscription is the user's: there is nothing to check or make.
				if (isManual(this)) return false;
				return await subscriptionExists(this, chosenEvents(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				forgetDeliveries(scopeOf(this));
				if (!isManual(this)) await createSubscription(this, chosenEvents(this));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				forgetDeliveries(scopeOf(this));
				if (isManual(this)) return true;
				return await removeSubscription(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}

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

import { forgetDeliveries } from './deliveries';
import { EVENT_OPTIONS } from './events';
import { receiveDelivery, scopeOf } from './webhook';

function forgetThisNode(context: IHookFunctions): void {
	forgetDeliveries(context.getWorkflow().id ?? '', context.getNode().id, scopeOf(context));
}

export class FanvueTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fanvue Trigger',
		name: 'fanvueTrigger',
		icon: { light: 'file:../../icons/fanvue.svg', dark: 'file:../../icons/fanvue.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["event"]}}',
		description:
			'Starts the workflow when a fan writes, follows, subscribes, buys or tips on Fanvue',
		defaults: { name: 'Fanvue Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'chatProvidersFanvueWebhookApi', required: true, testedBy: 'fanvueWebhookSecret' },
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Fanvue's payloads carry no event name: each event has its own URL.
				path: '={{$parameter["event"]}}',
			},
		],
		properties: [
			{
				displayName:
					'Fanvue has no API to register webhooks: copy the Production URL above (Webhook URLs) into Fanvue. In the Fanvue Developer Area open your app, then Events → Add Webhook: paste it as the Endpoint URL and tick only the event chosen below. Each event has its own URL, so add one Fanvue Trigger per event. Activate the workflow for the Production URL to answer.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				required: true,
				options: EVENT_OPTIONS,
				default: 'messageReceived',
				description: 'The Fanvue event this trigger starts on. The URL above ends with its name.',
			},
		],
	};

	methods = {
		credentialTest: {
			async fanvueWebhookSecret(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const secret = String(credential.data?.webhookSecret ?? '').trim();
				if (secret === '') {
					return {
						status: 'Error',
						message: "Paste your app's signing secret (Fanvue: Events → View Signing Secret)",
					};
				}
				// Fanvue offers no request that checks a signing secret; its Test delivery does.
				return {
					status: 'OK',
					message:
						"Saved. To check it, use Test in the webhook's … menu in Fanvue's Events tab: a wrong secret is answered 401.",
				};
			},
		},
	};

	// Nothing is registered at Fanvue (it documents no API for that); activating and deactivating
	// the workflow only starts and ends what this node remembers of past deliveries.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				forgetThisNode(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				forgetThisNode(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}

import type { IDataObject } from 'n8n-workflow';

import { creatorLocator, fanLocator, readCreatorUuid } from '../creator';
import { contentFields, readContent } from '../message/content';
import type { Item } from '../../shared';
import {
	apiVersionOption,
	fanvue,
	messageAnswer,
	readApiVersion,
	type FanvueClient,
} from '../transport';

/** The fan and, in agency mode, the creator the chat is for: checked before anything is sent. */
function readTarget(item: Item): { fanUuid: string; creatorUuid: string | undefined } {
	const fanUuid = item.read.requiredUuid(item.param('fan'), 'Fan');
	const creatorUuid =
		readCreatorUuid(item.param('creator'), item.read) ??
		item.read.uuid(item.option('creatorUuid'), 'As Creator (Agency)');
	return { fanUuid, creatorUuid };
}

/**
 * The chat exists by now: a failed first message is reported on the item, never thrown, since a
 * thrown error would let Retry On Fail open the chat again (and the send has no idempotency key).
 */
async function sendFirstMessage(
	client: FanvueClient,
	creatorUuid: string | undefined,
	fanUuid: string,
	body: IDataObject,
	apiVersion: string,
): Promise<IDataObject> {
	const prefix = creatorUuid ? `/creators/${creatorUuid}` : '';
	try {
		const answer = await client.post(`${prefix}/chats/${fanUuid}/message`, body, {
			call: {
				apiVersion,
				scopes: creatorUuid ? ['write:chat', 'read:creator'] : ['write:chat'],
				notFoundHint: "Fanvue did not find the chat it just opened: check the fan's UUID.",
				twice: 'send the message twice',
			},
			expect: messageAnswer,
		});
		const messageUuid = (answer.body as IDataObject | undefined)?.messageUuid;
		return { sent: true, messageUuid: typeof messageUuid === 'string' ? messageUuid : null };
	} catch (error) {
		const { message, description, httpCode } = error as {
			message?: string;
			description?: string;
			httpCode?: string;
		};
		return {
			sent: false,
			error: message ?? 'The first message could not be sent',
			statusCode: httpCode ? Number(httpCode) : null,
			description:
				`The chat with fan ${fanUuid} was created, but its first message was not sent. Running the node again would open the chat again: send the message with Message > Send instead. ${description ?? ''}`.trim(),
		};
	}
}

/** Options > First Message and its media and price, checked before anything is sent. */
function readFirstMessage(item: Item): IDataObject | undefined {
	return readContent(
		item.read,
		{
			text: item.option('firstMessage'),
			mediaUuids: item.option('firstMessageMediaUuids'),
			price: item.option('firstMessagePrice'),
		},
		(field) => `First Message ${field}`.replace('First Message Text', 'First Message'),
		item.invalid,
	);
}

export const create = fanvue.operation({
	value: 'create',
	name: 'Create',
	description: 'Open a chat with a fan, optionally as one of your agency creators',
	action: 'Create a chat',
	properties: [
		creatorLocator(undefined),
		fanLocator(
			"The fan to open a chat with: the fan's Fanvue user UUID (as in the fan list, from Fanvue's chat list GET /chats, or GET /creators/{uuid}/chats for an agency creator), not a handle or name",
		),
	],
	options: [
		apiVersionOption,
		{
			// Version 1 kept the creator here; its saved workflows still show and use it.
			displayName: 'As Creator (Agency)',
			name: 'creatorUuid',
			type: 'string',
			default: '',
			placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
			description:
				"The creator's user UUID to open the chat as, used when Creator above is Me. Prefer the Creator field: it lists your agency's creators.",
			displayOptions: { show: { '@version': [1] } },
		},
		{
			displayName: 'First Message',
			name: 'firstMessage',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description:
				'Sent to the fan once the chat exists (1 to 5,000 characters). If it cannot be sent, the chat stays created and the output says why under firstMessage.',
		},
		...contentFields((field) => `First Message ${field}`, {
			mediaUuids: 'firstMessageMediaUuids',
			price: 'firstMessagePrice',
		}),
	],

	async execute(item, client) {
		const { fanUuid, creatorUuid } = readTarget(item);
		const apiVersion = readApiVersion(item);
		const firstMessage = readFirstMessage(item);
		// Not idempotent: only a 429 (refused before acting) is ever sent again.
		const answer = await client.post(
			creatorUuid ? `/creators/${creatorUuid}/chats` : '/chats',
			{ userUuid: fanUuid },
			{
				call: {
					apiVersion,
					scopes: creatorUuid ? ['write:chat', 'read:creator'] : ['write:chat'],
					notFoundHint: creatorUuid
						? "Check the fan's UUID and the creator's UUID: the creator must be one your agency manages."
						: "Check the fan's UUID: pick the fan from the list, or copy the UUID from Fanvue.",
					twice: 'open the chat twice',
				},
				// Fanvue confirms with {message} and no chat ID: chats are keyed by the fan.
				expect: fanvue.answerWith.object("Fanvue's confirmation"),
			},
		);
		const message = (answer.body as IDataObject | undefined)?.message;
		const output: IDataObject = {
			fanUuid,
			creatorUuid: creatorUuid ?? null,
			created: true,
			message: typeof message === 'string' ? message : null,
		};
		if (firstMessage) {
			output.firstMessage = await sendFirstMessage(
				client,
				creatorUuid,
				fanUuid,
				firstMessage,
				apiVersion,
			);
		}
		return output;
	},

	/**
	 * An earlier try of this execution opened the chat: it is not asked for again (Fanvue may refuse a
	 * chat that exists). After a request that may or may not have arrived, asking again is safe: a
	 * fan has one chat per creator, so it cannot open a second one.
	 */
	async replay(item, client, earlier) {
		if (earlier === 'uncertain') return await create.execute.call(this, item, client);
		const { fanUuid, creatorUuid } = readTarget(item);
		const output: IDataObject = {
			fanUuid,
			creatorUuid: creatorUuid ?? null,
			created: true,
			message: null,
			createdByEarlierTry: true,
		};
		// The try that opened the chat also sent (or reported) the first message: never sent again.
		if (readFirstMessage(item)) {
			output.firstMessage = {
				sentByEarlierTry: true,
				note: "The try that opened this chat handled its first message (that try's output says whether it was sent), so it was not sent again.",
			};
		}
		return output;
	},
});

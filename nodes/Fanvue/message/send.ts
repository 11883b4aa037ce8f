import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import type { Item } from '../../shared';
import { creatorLocator, fanLocator, readCreatorUuid } from '../creator';
import { apiVersionOption, fanvue, messageAnswer, readApiVersion } from '../transport';
import { contentFields, readContent } from './content';

/** The fan and, in agency mode, the creator: checked before anything is sent. */
function readTarget(item: Item): { creatorUuid: string | undefined; fanUuid: string } {
	const creatorUuid = readCreatorUuid(item.param('creator'), item.read);
	const fanUuid = item.read.requiredUuid(item.param('fan'), 'Fan');
	return { creatorUuid, fanUuid };
}

export const send = fanvue.operation({
	value: 'send',
	name: 'Send',
	description:
		'Send a message (text, vault media, optional pay-to-view price) to a fan in an existing chat',
	action: 'Send a message',
	properties: [
		creatorLocator(undefined),
		fanLocator(
			"The fan to message: the fan's Fanvue user UUID (the fanUuid in Create Chat's output, the user.uuid in Chat > Get Many's output, or the sender's UUID in a Fanvue Trigger message), not a handle or name",
		),
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description:
				'The message, sent exactly as typed: 1 to 5,000 characters. May be empty when Media UUIDs or a Template UUID are given.',
		},
	],
	options: [
		apiVersionOption,
		...contentFields((field) => field),
		{
			displayName: 'Template UUID',
			name: 'templateUuid',
			type: 'string',
			default: '',
			placeholder: 'e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6',
			description:
				"The UUID of one of the creator's saved message templates (Fanvue's GET /chats/templates) to send",
		},
	],

	async execute(item, client) {
		const { creatorUuid, fanUuid } = readTarget(item);
		const body = readContent(
			item.read,
			{
				text: item.param('text'),
				mediaUuids: item.option('mediaUuids'),
				price: item.option('price'),
				templateUuid: item.option('templateUuid'),
			},
			(field) => field,
			item.invalid,
		);
		if (!body) {
			throw item.invalid(
				'Text',
				'is required',
				'Give Text, Options > Media UUIDs or Options > Template UUID.',
			);
		}
		const apiVersion = readApiVersion(item);
		const prefix = creatorUuid ? `/creators/${creatorUuid}` : '';
		// Not idempotent: Fanvue takes no idempotency key, so a send that may have arrived is never repeated.
		const answer = await client.post(`${prefix}/chats/${fanUuid}/message`, body, {
			call: {
				apiVersion,
				scopes: creatorUuid ? ['write:chat', 'read:creator'] : ['write:chat'],
				notFoundHint: creatorUuid
					? "Check the fan's UUID and the creator's UUID: the creator must be one your agency manages, and the chat must exist (Create Chat first)."
					: "Check the fan's UUID and that a chat with this fan exists (Create Chat first).",
				twice: 'send the message twice',
			},
			expect: messageAnswer,
		});
		const messageUuid = (answer.body as IDataObject | undefined)?.messageUuid;
		return {
			fanUuid,
			creatorUuid: creatorUuid ?? null,
			sent: true,
			messageUuid: typeof messageUuid === 'string' ? messageUuid : null,
		} as IDataObject;
	},

	/**
	 * An earlier try of this execution sent the message, or may have: Fanvue takes no idempotency
	 * key, so it is not sent again. (Fanvue's message list is not documented in this package's
	 * sources, so an uncertain send is refused rather than looked up.)
	 */
	async replay(item, _client, earlier) {
		const { creatorUuid, fanUuid } = readTarget(item);
		if (earlier === 'sent') {
			return {
				fanUuid,
				creatorUuid: creatorUuid ?? null,
				sent: true,
				messageUuid: null,
				sentByEarlierTry: true,
				note: "An earlier try of this execution sent this item's message, so it was not sent again. Its messageUuid is in that try's output.",
			};
		}
		throw new NodeOperationError(
			this.getNode(),
			'The message may already be sent: an earlier try of this item failed after its request reached Fanvue',
			{
				itemIndex: item.index,
				description: `The request timed out, lost its connection or met a server error, so Fanvue may have sent it then. Look at the latest messages in the chat with fan ${fanUuid}${creatorUuid ? ` (creator ${creatorUuid})` : ''} in Fanvue; the node does not send it again in this execution. To send it anyway, run the workflow again as a new execution.`,
			},
		);
	},
});

import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { sendProviderRequest } from '../shared/request';
import { DEFAULT_API_VERSION, fanvueApi, getFanvueConnection, isApiVersion } from './transport';

const PAGE_SIZE = 50;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface FanvueChat {
	user?: { uuid?: string; handle?: string; displayName?: string; nickname?: string };
	userUuid?: string;
}

function fanOf(chat: FanvueChat): { uuid: string; name: string; handle: string } | undefined {
	const uuid = chat.user?.uuid ?? chat.userUuid;
	if (typeof uuid !== 'string') return undefined;
	const handle = chat.user?.handle ?? '';
	const name = chat.user?.nickname || chat.user?.displayName || handle || uuid;
	return { uuid, name, handle };
}

/**
 * The connected account's chats (GET /chats, read:chat), or an agency creator's
 * (GET /creators/{uuid}/chats, read:creator + read:chat), as a list of their fans.
 */
export async function searchFans(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const options = (this.getCurrentNodeParameter('options') ?? {}) as IDataObject;
	const creatorUuid =
		typeof options.creatorUuid === 'string' && UUID_PATTERN.test(options.creatorUuid.trim())
			? options.creatorUuid.trim()
			: undefined;
	const version = typeof options.apiVersion === 'string' ? options.apiVersion.trim() : '';
	const apiVersion = isApiVersion(version) ? version : DEFAULT_API_VERSION;
	const needle = (filter ?? '').trim();
	const page = Number(paginationToken) > 0 ? Number(paginationToken) : 1;

	const { baseUrl, secrets } = await getFanvueConnection(this);
	const qs: IDataObject = { page, size: PAGE_SIZE };
	// Only GET /chats documents a search parameter; a creator's chats are filtered here.
	if (needle && !creatorUuid) qs.search = needle.slice(0, 100);
	const answer = await sendProviderRequest(
		this,
		fanvueApi({
			apiVersion,
			scopes: creatorUuid ? ['read:chat', 'read:creator'] : ['read:chat'],
			notFoundHint:
				"Check the creator's UUID in Options: it must be a creator your agency manages.",
		}),
		{
			method: 'GET',
			url: creatorUuid ? `${baseUrl}/creators/${creatorUuid}/chats` : `${baseUrl}/chats`,
			qs,
			headers: { 'X-Fanvue-API-Version': apiVersion },
			idempotent: true,
		},
		{ itemIndex: 0, secrets, maxWaitMs: 10_000 },
	);

	const body = (answer.body ?? {}) as IDataObject;
	const chats = (Array.isArray(body.data) ? body.data : []) as FanvueChat[];
	const lowered = needle.toLowerCase();
	const results = chats
		.map(fanOf)
		.filter((fan) => fan !== undefined)
		.filter(
			(fan) =>
				!creatorUuid ||
				lowered === '' ||
				fan.name.toLowerCase().includes(lowered) ||
				fan.handle.toLowerCase().includes(lowered),
		)
		.map((fan) => ({
			name: fan.handle ? `${fan.name} (@${fan.handle})` : fan.name,
			value: fan.uuid,
		}));
	const pagination = (body.pagination ?? {}) as IDataObject;
	const hasMore =
		typeof pagination.hasMore === 'boolean' ? pagination.hasMore : chats.length === PAGE_SIZE;
	return { results, paginationToken: hasMore ? String(page + 1) : undefined };
}

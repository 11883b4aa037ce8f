import {
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { CONNECTED_ACCOUNT, CONNECTED_ACCOUNT_NAME } from './creator';
import { DEFAULT_API_VERSION, fanvue, isApiVersion, type FanvueCall } from './transport';

const PAGE_SIZE = 50;
/** Pages read per search when Fanvue cannot filter by itself and the matches are few. */
const MAX_PAGES_PER_SEARCH = 5;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user as Fanvue lists them: a creator (GET /creators) or a chat's fan (GET /chats). */
interface FanvueUser {
	uuid?: string;
	userUuid?: string;
	handle?: string;
	displayName?: string;
	nickname?: string | null;
	user?: FanvueUser;
}

interface Page {
	users: FanvueUser[];
	hasMore: boolean;
}

function asListItem(entry: FanvueUser): INodeListSearchItems | undefined {
	const user = entry.user ?? entry;
	const uuid = user.uuid ?? user.userUuid ?? entry.userUuid;
	if (typeof uuid !== 'string') return undefined;
	const handle = user.handle ?? '';
	const name = user.nickname || user.displayName || handle || uuid;
	return { name: handle ? `${name} (@${handle})` : name, value: uuid };
}

/**
 * Fanvue documents list answers as {data: [...], pagination: {page, size, hasMore}}. Where an
 * answer says less, a bare list, or `total` / `totalPages` instead of `hasMore`, still reads, and
 * a full page means there may be more.
 */
function readPage(body: unknown, page: number): Page {
	const object = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const data = Array.isArray(body) ? body : Array.isArray(object.data) ? object.data : [];
	const pagination = (object.pagination ?? {}) as IDataObject;
	let hasMore = data.length >= PAGE_SIZE;
	if (typeof pagination.hasMore === 'boolean') hasMore = pagination.hasMore;
	else if (typeof pagination.totalPages === 'number') hasMore = page < pagination.totalPages;
	else if (typeof pagination.total === 'number') hasMore = page * PAGE_SIZE < pagination.total;
	return { users: data as FanvueUser[], hasMore };
}

function apiVersionOf(ctx: ILoadOptionsFunctions): string {
	const options = (ctx.getCurrentNodeParameter('options') ?? {}) as IDataObject;
	const version = typeof options.apiVersion === 'string' ? options.apiVersion.trim() : '';
	return isApiVersion(version) ? version : DEFAULT_API_VERSION;
}

/** One list request, through the same client (pacing, refresh, errors) as the operations. */
async function fetchPage(
	ctx: ILoadOptionsFunctions,
	path: string,
	page: number,
	call: Omit<FanvueCall, 'apiVersion'>,
	search?: string,
): Promise<Page> {
	const client = await fanvue.client(ctx, 0, 10_000);
	const qs: IDataObject = { page, size: PAGE_SIZE };
	if (search) qs.search = search;
	const answer = await client.get(path, { qs, call: { ...call, apiVersion: apiVersionOf(ctx) } });
	return readPage(answer.body, page);
}

/**
 * A list Fanvue cannot filter: reads pages from `paginationToken` on until something matches the
 * filter (or a few pages were read), so a search never shows an empty page while more exist.
 */
async function searchUnfilteredList(
	ctx: ILoadOptionsFunctions,
	path: string,
	call: Omit<FanvueCall, 'apiVersion'>,
	filter: string,
	paginationToken: string | undefined,
	lead: INodeListSearchItems[] = [],
): Promise<INodeListSearchResult> {
	const needle = filter.toLowerCase();
	const first = Number(paginationToken) > 0 ? Number(paginationToken) : 1;
	const results =
		first === 1 ? lead.filter((item) => item.name.toLowerCase().includes(needle)) : [];
	let page = first;
	for (;;) {
		const { users, hasMore } = await fetchPage(ctx, path, page, call);
		for (const item of users.map(asListItem)) {
			if (item && (needle === '' || item.name.toLowerCase().includes(needle))) results.push(item);
		}
		if (!hasMore) return { results };
		page += 1;
		if (needle === '' || results.length > 0 || page - first >= MAX_PAGES_PER_SEARCH) {
			return { results, paginationToken: String(page) };
		}
	}
}

/** The agency's creators (GET /creators, read:creator), after "Me (the connected account)". */
export async function searchCreators(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchUnfilteredList(
		this,
		'/creators',
		{
			scopes: ['read:creator'],
			notFoundHint:
				'Fanvue lists creators only for agency accounts. Keep Creator on Me, or enter the creator By UUID.',
		},
		(filter ?? '').trim(),
		paginationToken,
		[{ name: CONNECTED_ACCOUNT_NAME, value: CONNECTED_ACCOUNT }],
	);
}

/** The creator chosen in the node (undefined: the connected account), as the editor sends it. */
function chosenCreator(ctx: ILoadOptionsFunctions): string | undefined {
	const raw = ctx.getCurrentNodeParameter('creator');
	const value = raw && typeof raw === 'object' ? (raw as IDataObject).value : raw;
	const text = typeof value === 'string' ? value.trim() : '';
	if (text !== '' && text.toLowerCase() !== CONNECTED_ACCOUNT) {
		if (UUID_PATTERN.test(text)) return text.toLowerCase();
		throw new NodeOperationError(
			ctx.getNode(),
			'The fan list needs a creator chosen from the list or by UUID',
			{
				description:
					'Creator is an expression or not a UUID, so the node cannot tell whose fans to list. Choose the creator from the list, or enter the fan By UUID.',
			},
		);
	}
	// Workflows saved with version 1 of the node keep the creator in Options.
	const options = (ctx.getCurrentNodeParameter('options') ?? {}) as IDataObject;
	const legacy = typeof options.creatorUuid === 'string' ? options.creatorUuid.trim() : '';
	return UUID_PATTERN.test(legacy) ? legacy.toLowerCase() : undefined;
}

/**
 * The fans of whoever the node acts as: the connected account's chats (GET /chats, read:chat,
 * searched by Fanvue), or an agency creator's (GET /creators/{uuid}/chats, read:creator +
 * read:chat, searched here: that route documents no search parameter).
 */
export async function searchFans(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const creatorUuid = chosenCreator(this);
	const needle = (filter ?? '').trim();
	if (creatorUuid) {
		return await searchUnfilteredList(
			this,
			`/creators/${creatorUuid}/chats`,
			{
				scopes: ['read:chat', 'read:creator'],
				notFoundHint: 'Check the Creator: it must be a creator your agency manages.',
			},
			needle,
			paginationToken,
		);
	}
	const page = Number(paginationToken) > 0 ? Number(paginationToken) : 1;
	const { users, hasMore } = await fetchPage(
		this,
		'/chats',
		page,
		{ scopes: ['read:chat'], notFoundHint: 'Check the API Base URL in the Fanvue credential.' },
		needle.slice(0, 100),
	);
	const results = users.map(asListItem).filter((item) => item !== undefined);
	return { results, paginationToken: hasMore ? String(page + 1) : undefined };
}

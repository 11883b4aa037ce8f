import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { toNodeApiError } from '../shared/errors';
import type { HttpAnswer } from '../shared/request';
import {
	CHERT_CREDENTIAL,
	readChertFailure,
	sendChertJson,
	type ChertConnection,
} from './transport';

export interface MediaFile {
	fileName: string;
	mimeType: string;
	bytes: Buffer;
	/** Where the file sits in the message, for errors. */
	label: string;
}

interface UploadTicket {
	attachment_id?: string;
	upload_url?: string;
	required_headers?: Record<string, string>;
}

const UPLOAD_ATTEMPTS = 3;

// docs.trychert.com/api/attachments: "HMAC is not supported on the binary upload route. Use bearer auth."
const UPLOAD_AUTH_HINT =
	"Chert's upload route refused the credential. It takes bearer authentication only: to send files through it, set Authenticate With to Bearer Token in the Chert credential (and check Signing Secret).";

// Chert's docs show required_headers such as `Bearer <your-signing-secret>`: text to replace, not to send.
const PLACEHOLDER = /<[^<>]+>/;
// Set by the credential itself, and only ever for Chert's own origin.
const CREDENTIAL_HEADERS = ['authorization', 'x-chert-signature', 'x-chert-tenant'];

function parseUrl(url: string | undefined, base?: string): URL | undefined {
	if (!url) return undefined;
	try {
		return new URL(url, base);
	} catch {
		return undefined;
	}
}

/**
 * The headers to send with the bytes. Placeholders are never sent; on Chert's own origin the
 * credential adds its authentication, so any authentication header given here is left out.
 */
function uploadHeaders(required: Record<string, unknown>, onChertOrigin: boolean): IDataObject {
	const headers: IDataObject = {};
	for (const [name, value] of Object.entries(required)) {
		if (typeof value !== 'string' || PLACEHOLDER.test(value)) continue;
		if (onChertOrigin && CREDENTIAL_HEADERS.includes(name.toLowerCase())) continue;
		headers[name] = value;
	}
	return headers;
}

/**
 * Chert's attachment flow: POST /attachments describes the file, then the bytes go to the
 * upload URL it returns: a pre-signed URL elsewhere, or Chert's own upload route. Returns the attachment id for a media part. Run twice (a
 * retry), it only leaves an unused upload behind: no message is sent here.
 */
export async function uploadMedia(
	ctx: IExecuteFunctions,
	connection: ChertConnection,
	file: MediaFile,
	itemIndex: number,
	maxWaitMs: number,
): Promise<string> {
	const answer = await sendChertJson(
		ctx,
		connection,
		'POST',
		'/attachments',
		{ filename: file.fileName, content_type: file.mimeType, size_bytes: file.bytes.length },
		{ itemIndex, maxWaitMs },
	);
	const ticket = (answer.body ?? {}) as UploadTicket;
	const requiredHeaders = ticket.required_headers ?? {};
	// The upload URL and its headers grant write access: keep them out of errors like the secret.
	const secrets = [
		...connection.secrets,
		ticket.upload_url ?? '',
		...Object.values(requiredHeaders),
	];
	const uploadUrl = parseUrl(ticket.upload_url, connection.baseUrl);
	const onChertOrigin =
		uploadUrl !== undefined && uploadUrl.origin === parseUrl(connection.baseUrl)?.origin;
	const fail = (message: string, statusCode?: number, upload?: HttpAnswer, hint?: string) => {
		// Chert's own upload route answers in Chert's envelope; storage answers are its own.
		const chertSaid = upload && onChertOrigin ? readChertFailure(upload) : undefined;
		return toNodeApiError(
			ctx.getNode(),
			{
				provider: 'Chert',
				message: chertSaid ? `${message}: ${chertSaid.message}` : message,
				statusCode,
				code: chertSaid?.code,
				traceId: chertSaid?.traceId,
				hint: `${file.label} could not be uploaded, so no message was sent. ${hint ?? 'Run the node again: it asks Chert for a new upload.'}`,
			},
			itemIndex,
			secrets,
		);
	};
	if (!ticket.attachment_id || !uploadUrl) {
		throw fail(`Chert did not return an upload URL for "${file.fileName}"`, answer.statusCode);
	}

	const options = {
		method: 'PUT' as const,
		url: uploadUrl.href,
		headers: uploadHeaders(requiredHeaders, onChertOrigin),
		body: file.bytes,
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 300_000,
	};
	for (let attempt = 1; ; attempt++) {
		let upload: HttpAnswer | undefined;
		let reason: string;
		try {
			// Chert's own upload route takes the credential; a pre-signed URL elsewhere gets nothing of it.
			upload = (
				onChertOrigin
					? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CHERT_CREDENTIAL, options)
					: await ctx.helpers.httpRequest(options)
			) as HttpAnswer;
			if (upload.statusCode >= 200 && upload.statusCode < 300) return ticket.attachment_id;
			reason = `HTTP ${upload.statusCode}`;
		} catch (error) {
			reason = (error as { code?: string }).code ?? (error as Error).message;
		}
		// The same bytes to the same URL cannot do harm twice; a refusal (4xx) will not change.
		const worthRetrying = !upload || upload.statusCode >= 500;
		if (!worthRetrying || attempt >= UPLOAD_ATTEMPTS) {
			const refusedAuth = onChertOrigin && upload?.statusCode === 401;
			throw fail(
				`Uploading "${file.fileName}" failed (${reason})`,
				upload?.statusCode,
				upload,
				refusedAuth ? UPLOAD_AUTH_HINT : undefined,
			);
		}
		await sleep(500 * attempt);
	}
}

import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { chert, uploadFailure, type ChertClient } from './transport';

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

// Up to 100 MB in one PUT (docs.trychert.com/api/attachments): far longer than a JSON call.
const UPLOAD_TIMEOUT_MS = 300_000;

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

/** Why a storage upload failed, from the error the request raised: its status or network code. */
function storageReason(error: NodeApiError): { reason: string; statusCode?: number } {
	const response = (error.errorResponse ?? {}) as { statusCode?: unknown; code?: unknown };
	if (typeof response.statusCode === 'number') {
		return { reason: `HTTP ${response.statusCode}`, statusCode: response.statusCode };
	}
	if (typeof response.code === 'string' && response.code !== '') return { reason: response.code };
	return { reason: error.message.replace(/^Chert: /, '') };
}

/**
 * Chert's attachment flow: POST /attachments describes the file, then the bytes go to the
 * upload URL it returns: a pre-signed URL elsewhere, or Chert's own upload route. Returns the
 * attachment id for a media part. Run twice (a retry), it only leaves an unused upload behind:
 * no message is sent here.
 */
export async function uploadMedia(client: ChertClient, file: MediaFile): Promise<string> {
	const { baseUrl } = client.connection;
	// Safe to repeat: a second upload slot is never used, and no message is sent.
	const answer = await client.post(
		'/attachments',
		{ filename: file.fileName, content_type: file.mimeType, size_bytes: file.bytes.length },
		{
			idempotent: true,
			expect: chert.answerWith.fields('the upload slot', 'attachment_id', 'upload_url'),
		},
	);
	const ticket = (answer.body ?? {}) as UploadTicket;
	const requiredHeaders = ticket.required_headers ?? {};
	// The upload URL and its headers grant write access: keep them out of errors like the secret.
	const secrets = [ticket.upload_url ?? '', ...Object.values(requiredHeaders)];
	const uploadUrl = parseUrl(ticket.upload_url, baseUrl);
	const onChertOrigin = uploadUrl !== undefined && uploadUrl.origin === parseUrl(baseUrl)?.origin;
	const upload = { fileName: file.fileName, label: file.label, byChert: onChertOrigin };
	if (!ticket.attachment_id || !uploadUrl) {
		throw client.error({
			...uploadFailure(upload, 'no upload URL'),
			message: `Chert did not return an upload URL for "${file.fileName}"`,
			statusCode: answer.statusCode,
		});
	}

	// The same bytes to the same URL cannot do harm twice, so the upload is retried freely.
	// Chert's own upload route takes the credential; a pre-signed URL elsewhere gets nothing of it.
	const sendBytes = async () =>
		await client.upload('PUT', uploadUrl.href, file.bytes, {
			headers: uploadHeaders(requiredHeaders, onChertOrigin),
			authenticated: onChertOrigin,
			idempotent: true,
			secrets,
			timeoutMs: UPLOAD_TIMEOUT_MS,
			call: { upload },
		});
	// Chert's route answers in Chert's words, read by its readFailure.
	if (onChertOrigin) {
		await sendBytes();
		return ticket.attachment_id;
	}
	try {
		await sendBytes();
	} catch (error) {
		// A storage host's answer is not Chert's API: it is named by its status alone, never by its body.
		const { reason, statusCode } = storageReason(error as NodeApiError);
		throw client.error(uploadFailure(upload, reason, undefined, statusCode), secrets);
	}
	return ticket.attachment_id;
}

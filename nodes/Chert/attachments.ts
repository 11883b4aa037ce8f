import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { toNodeApiError } from '../shared/errors';
import type { HttpAnswer } from '../shared/request';
import { sendChertJson, type ChertConnection } from './transport';

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

/**
 * Chert's attachment flow: POST /attachments describes the file, then the bytes go to the
 * pre-signed upload URL it returns. Returns the attachment id for a media part. Run twice (a
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
	const fail = (message: string, statusCode?: number) =>
		toNodeApiError(
			ctx.getNode(),
			{
				provider: 'Chert',
				message,
				statusCode,
				hint: `${file.label} could not be uploaded, so no message was sent. Run the node again: it asks Chert for a new upload.`,
			},
			itemIndex,
			secrets,
		);
	if (!ticket.attachment_id || !ticket.upload_url) {
		throw fail(`Chert did not return an upload URL for "${file.fileName}"`, answer.statusCode);
	}

	for (let attempt = 1; ; attempt++) {
		let upload: HttpAnswer | undefined;
		let reason: string;
		try {
			upload = (await ctx.helpers.httpRequest({
				method: 'PUT',
				url: ticket.upload_url,
				headers: requiredHeaders as IDataObject,
				body: file.bytes,
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 300_000,
			})) as HttpAnswer;
			if (upload.statusCode >= 200 && upload.statusCode < 300) return ticket.attachment_id;
			reason = `HTTP ${upload.statusCode}`;
		} catch (error) {
			reason = (error as { code?: string }).code ?? (error as Error).message;
		}
		// The same bytes to the same URL cannot do harm twice; a refusal (4xx) will not change.
		const worthRetrying = !upload || upload.statusCode >= 500;
		if (!worthRetrying || attempt >= UPLOAD_ATTEMPTS) {
			throw fail(`Uploading "${file.fileName}" failed (${reason})`, upload?.statusCode);
		}
		await sleep(500 * attempt);
	}
}

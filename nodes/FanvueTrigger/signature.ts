import { createHmac, timingSafeEqual } from 'node:crypto';

/** Fanvue's recommended window; a delivery signed further from now, either way, is refused. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

export const SIGNATURE_HEADER = 'x-fanvue-signature';

export type SignatureCheck =
	| { valid: true; timestamp: number; signature: string }
	| { valid: false; reason: string };

interface ParsedHeader {
	timestamp: string;
	signatures: string[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * `t=<unix seconds>,v0=<hex>`. While an app's secret is being rotated the header may carry more
 * than one signature (`v0=<old>,<new>`), so every hex value is kept; any one may match.
 */
function parseHeader(header: string): ParsedHeader | undefined {
	let timestamp: string | undefined;
	const signatures: string[] = [];
	for (const rawPart of header.split(',')) {
		const part = rawPart.trim();
		if (part.startsWith('t=')) timestamp = part.slice(2);
		else if (part.startsWith('v0=')) signatures.push(part.slice(3));
		else if (signatures.length > 0 && HEX_SHA256.test(part)) signatures.push(part);
	}
	if (timestamp === undefined || signatures.length === 0) return undefined;
	return { timestamp, signatures };
}

/** HMAC-SHA256 of `<t>.<raw body>`, hex: what Fanvue puts in v0. */
export function fanvueSignature(secret: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * Checks X-Fanvue-Signature over the exact bytes received, in constant time, and that it was
 * signed within the replay window of `nowSeconds`. The reason never contains the secret.
 */
export function checkSignature(options: {
	header: string | undefined;
	rawBody: Buffer;
	secret: string;
	nowSeconds: number;
}): SignatureCheck {
	const { header, rawBody, secret, nowSeconds } = options;
	if (!header) return { valid: false, reason: 'The X-Fanvue-Signature header is missing' };
	const parsed = parseHeader(header);
	if (!parsed) {
		return { valid: false, reason: 'X-Fanvue-Signature does not read t=<seconds>,v0=<hex>' };
	}
	if (!/^\d{1,12}$/.test(parsed.timestamp)) {
		return { valid: false, reason: 'The signature time (t) is not a number of seconds' };
	}
	const timestamp = Number(parsed.timestamp);
	if (Math.abs(nowSeconds - timestamp) > REPLAY_WINDOW_SECONDS) {
		return {
			valid: false,
			reason: `The delivery was signed more than ${REPLAY_WINDOW_SECONDS / 60} minutes from now`,
		};
	}
	const expected = Buffer.from(fanvueSignature(secret, parsed.timestamp, rawBody), 'hex');
	for (const signature of parsed.signatures) {
		if (!HEX_SHA256.test(signature)) continue;
		const received = Buffer.from(signature, 'hex');
		if (received.length === expected.length && timingSafeEqual(received, expected)) {
			return { valid: true, timestamp, signature: signature.toLowerCase() };
		}
	}
	return { valid: false, reason: 'The signature does not match this webhook signing secret' };
}

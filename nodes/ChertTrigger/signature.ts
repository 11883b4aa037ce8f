import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Chert's "Verifying signatures" page is not in any copy read for this node, so the scheme here
 * is Chert's own request signing (docs.trychert.com/api/authentication) applied to deliveries:
 * `v1,<unix seconds>,<hex HMAC-SHA256(secret, "<seconds>.<raw body>")>`, also read in the
 * `t=<unix seconds>,v1=<hex>` layout, and a 5-minute window as for Chert's signed requests.
 */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

/** Chert names both headers for deliveries (docs.trychert.com/api/webhook-subscriptions). */
export const SIGNATURE_HEADERS = ['x-webhook-signature', 'x-chert-signature'] as const;

export type SignatureCheck =
	| { valid: true; timestamp: number; signature: string }
	| { valid: false; reason: string };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

interface ParsedHeader {
	timestamp: string;
	signatures: string[];
}

function parseHeader(header: string): ParsedHeader | undefined {
	const parts = header.split(',').map((part) => part.trim());
	if (parts[0] === 'v1' && parts.length === 3) {
		return { timestamp: parts[1], signatures: [parts[2]] };
	}
	let timestamp: string | undefined;
	const signatures: string[] = [];
	for (const part of parts) {
		if (part.startsWith('t=')) timestamp = part.slice(2);
		else if (part.startsWith('v1=')) signatures.push(part.slice(3));
	}
	if (timestamp === undefined || signatures.length === 0) return undefined;
	return { timestamp, signatures };
}

/** HMAC-SHA256 of `<seconds>.<raw body>`, hex. */
export function chertSignature(secret: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * Checks a delivery's signature over the exact bytes received, in constant time, signed within
 * the window of `nowSeconds`. The reason never contains the secret.
 */
export function checkSignature(options: {
	header: string | undefined;
	rawBody: Buffer;
	secret: string;
	nowSeconds: number;
}): SignatureCheck {
	const { header, rawBody, secret, nowSeconds } = options;
	if (!header) {
		return {
			valid: false,
			reason: 'Unsigned delivery: X-Webhook-Signature (or x-chert-signature) is missing',
		};
	}
	const parsed = parseHeader(header);
	if (!parsed) {
		return {
			valid: false,
			reason:
				'The signature header does not read v1,<unix seconds>,<hex> or t=<unix seconds>,v1=<hex>',
		};
	}
	if (!/^\d{1,12}$/.test(parsed.timestamp)) {
		return { valid: false, reason: 'The signature time is not a number of seconds' };
	}
	const timestamp = Number(parsed.timestamp);
	if (Math.abs(nowSeconds - timestamp) > REPLAY_WINDOW_SECONDS) {
		return {
			valid: false,
			reason: `Stale delivery: signed more than ${REPLAY_WINDOW_SECONDS / 60} minutes from now`,
		};
	}
	const expected = Buffer.from(chertSignature(secret, parsed.timestamp, rawBody), 'hex');
	for (const signature of parsed.signatures) {
		if (!HEX_SHA256.test(signature)) continue;
		const received = Buffer.from(signature, 'hex');
		if (timingSafeEqual(received, expected)) {
			return { valid: true, timestamp, signature: `${timestamp}:${signature.toLowerCase()}` };
		}
	}
	return {
		valid: false,
		reason: "The signature does not match this subscription's secret",
	};
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Chatwoot's PR #13573 asks receivers to refuse deliveries older than about five minutes. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

export interface SignedDelivery {
	secret: string;
	/** The request body exactly as received: Chatwoot signs the bytes it sends. */
	rawBody: Buffer | undefined;
	signature: string | undefined;
	timestamp: string | undefined;
	nowSeconds: number;
}

/**
 * Checks a delivery as Chatwoot's Webhooks::Trigger signs it (lib/webhooks/trigger.rb):
 * `X-Chatwoot-Timestamp: <unix seconds>` and
 * `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
 */
export function verifyChatwootSignature(delivery: SignedDelivery): SignatureVerdict {
	const { secret, rawBody, signature, timestamp, nowSeconds } = delivery;
	if (!signature || !timestamp) {
		return {
			ok: false,
			reason:
				'Unsigned delivery: the credential has a Webhook Secret, so X-Chatwoot-Signature and X-Chatwoot-Timestamp are required',
		};
	}
	if (!/^\d{1,12}$/.test(timestamp)) {
		return { ok: false, reason: 'X-Chatwoot-Timestamp is not a Unix time in seconds' };
	}
	if (Math.abs(nowSeconds - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
		return {
			ok: false,
			reason: `Stale delivery: X-Chatwoot-Timestamp is more than ${REPLAY_WINDOW_SECONDS} seconds from now`,
		};
	}
	if (rawBody === undefined) {
		return { ok: false, reason: 'The request body could not be read to check its signature' };
	}
	const expected = Buffer.from(
		`sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`,
	);
	const received = Buffer.from(signature.trim());
	// The length of a well-formed signature is public; only equal lengths are compared in constant time.
	if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
		return { ok: false, reason: 'X-Chatwoot-Signature does not match this Webhook Secret' };
	}
	return { ok: true };
}

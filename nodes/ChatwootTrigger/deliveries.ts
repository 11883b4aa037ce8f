/**
 * Deliveries already turned into executions, per n8n process. n8n's deduplication helpers are not
 * offered to webhook functions (n8n-core 1.122 and 2.8), so this is an in-memory record: bounded
 * in size, entries forgotten after a day or when the process restarts.
 */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

const seen = new Map<string, number>();

function forgetExpired(now: number): void {
	// A Map iterates in insertion order, so the oldest entries come first.
	for (const [key, expiresAt] of seen) {
		if (expiresAt > now && seen.size <= MAX_REMEMBERED) break;
		seen.delete(key);
	}
}

/**
 * Records the delivery's keys for one trigger node; false when any of them was seen before.
 * Checking and recording happen in one synchronous step, so concurrent duplicates cannot both pass.
 */
export function firstDelivery(scope: string, keys: string[], now = Date.now()): boolean {
	forgetExpired(now);
	const scoped = keys.map((key) => `${scope}\u0000${key}`);
	if (scoped.some((key) => seen.has(key))) return false;
	for (const key of scoped) seen.set(key, now + REMEMBER_MS);
	return true;
}

/** For tests: start from an empty record. */
export function forgetAllDeliveries(): void {
	seen.clear();
}

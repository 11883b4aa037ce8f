// The volume cells: 0, 1 and 1,000 items; in the 1,000-item runs every tenth item (3, 13, …)
// carries a bad input and every tenth (7, 17, …) meets a server error, with Continue On Fail on
// and off and n8n's Retry On Fail on and off.
import { mixedItem } from './cells.mjs';

export function volumeItems(op, volume, prefix, seeded) {
	return Array.from({ length: volume.count }, (_, i) => {
		const item = op.item(`${prefix}-${i}`, seeded);
		if (volume.count > 1 && mixedItem(i) === 'bad') item[op.bad.key] = op.bad.invalid;
		return item;
	});
}

/**
 * Faults for the fault items: a create whose body carries the item's marker gets a server error
 * for that item; requests without one (reads, updates) get 429s with a short Retry-After for the
 * first five, which every item must get through.
 */
export function scriptVolumeFaults(fake, op, provider, volume, prefix) {
	if (volume.count <= 1) return;
	if (op.textKey) {
		for (let i = 0; i < volume.count; i++) {
			if (mixedItem(i) !== 'fault') continue;
			fake.scriptFor(op.method, op.path, `"${prefix}-${i}"`, {
				status: 500,
				body: provider.envelope(500, `Upstream failure for item ${i}`),
			});
		}
		return;
	}
	// Few enough that the first items get through within their Max Wait when they are alone.
	const throttled = Array.from({ length: 5 }, () => ({
		status: 429,
		headers: { 'retry-after': '1' },
		body: provider.envelope(429, 'Too many requests'),
	}));
	fake.script(op.method, op.path, ...throttled);
}

/** With Continue On Fail every item has its own output; without, the first failure in input
 * order stops the node. Never an item created twice, never a good item lost. */
export function judgeVolume(row, volume, op, result, items, created) {
	const { problems } = row;
	const { count } = volume;
	if (count === 0) {
		if (row.sent !== 0) problems.push(`${row.sent} request(s) for no items`);
		if (result.outcome === 'node error') problems.push(`node error: ${result.title}`);
		return;
	}
	const firstFailure = count > 1 ? 3 : undefined;
	if (volume.continueOnFail || count === 1) {
		if (result.outcome === 'node error') {
			problems.push(`node error: ${result.title}`);
			return;
		}
		// A Get Many answers each input item with its list (several items, in input order).
		const byInput = new Map();
		let previous = -1;
		for (const item of result.items) {
			const index = item.pairedItem?.item;
			if (!(index >= previous)) problems.push(`output out of input order at item ${index}`);
			previous = index;
			if (!byInput.has(index)) byInput.set(index, []);
			byInput.get(index).push(item);
		}
		const lost = [];
		for (let i = 0; i < count; i++) {
			const outputs = byInput.get(i) ?? [];
			const kind = count > 1 ? mixedItem(i) : 'good';
			const error = outputs.find((item) => item.json?.error !== undefined)?.json.error;
			if (op.lists ? outputs.length === 0 : outputs.length !== 1) {
				problems.push(`input item ${i} has ${outputs.length} output items`);
			}
			if (kind === 'good' && error !== undefined) lost.push(`${i}: ${error}`);
			if (
				kind === 'bad' &&
				!(String(error ?? '').includes(op.bad.label) && String(error).includes(`[item ${i}]`))
			) {
				problems.push(`bad item ${i}: ${error ?? 'no error'}`);
			}
			// A read retried through its 429s must get through; a create's server error is its own.
			if (kind === 'fault' && !op.textKey && error !== undefined) lost.push(`${i}: ${error}`);
		}
		if (lost.length) problems.push(`${lost.length} good item(s) failed, first ${lost[0]}`);
		if (created) {
			const expected = items.filter((_, i) => count === 1 || mixedItem(i) === 'good').length;
			// Fanvue's chats are keyed by the fan (op.mark): there the count is what matters.
			const distinct = op.mark ? created.length : new Set(created).size;
			if (distinct < expected) problems.push(`${distinct} created for ${expected} good items`);
		}
		problems.splice(12);
		return;
	}
	if (result.outcome !== 'node error') {
		problems.push(`expected the node to stop at item ${firstFailure}, got ${result.outcome}`);
		return;
	}
	if (!String(result.title).includes(`[item ${firstFailure}]`)) {
		problems.push(`stopped with "${result.title}", expected item ${firstFailure}'s error`);
	}
}

import { RequestPacer } from '../../../nodes/shared/pacing';
import { pacerOf, sendInTurn } from '../../../nodes/shared/policies/paced-turn';
import type { HttpAnswer, ProviderApi } from '../../../nodes/shared/request';

const api: ProviderApi = {
	name: 'Paced',
	credentialType: 'paced',
	readFailure: () => ({ provider: 'Paced', message: 'x' }),
	readRateLimit: (headers) =>
		headers['x-remaining'] === undefined
			? undefined
			: { remaining: Number(headers['x-remaining']) },
};
const ok = (headers: Record<string, unknown> = {}): HttpAnswer => ({
	statusCode: 200,
	headers,
	body: {},
});
const soon = () => ({ deadline: Date.now() + 1000 });

describe('pacing: a turn of the credential’s pacer per request, always given back', () => {
	it('no pacer for a provider without a known limit; one per provider and credential otherwise', () => {
		expect(pacerOf({ ...api, readRateLimit: undefined }, 'k')).toBeUndefined();
		expect(pacerOf(api, 'k1')).toBe(pacerOf(api, 'k1'));
		expect(pacerOf(api, 'k1')).not.toBe(pacerOf(api, 'k2'));
	});

	it('gives the turn back with what the headers said', async () => {
		const pacer = new RequestPacer(undefined, true);
		const sent = await sendInTurn(pacer, api, soon(), async () => {
			expect(pacer.requestsInFlight).toBe(1);
			return ok({ 'x-remaining': '0' });
		});
		expect(sent.answer?.statusCode).toBe(200);
		expect(pacer.requestsInFlight).toBe(0);
		// Nothing left, no refill rate known and nothing in flight: the next request probes alone.
		await expect(pacer.acquire(Date.now() + 50)).resolves.toBeUndefined();
	});

	it('gives the turn back when sending throws, and returns the error instead of throwing', async () => {
		const pacer = new RequestPacer({ requests: 10, perMs: 1000 }, false);
		const dropped = new Error('socket hang up');
		const sent = await sendInTurn(pacer, api, soon(), async () => {
			throw dropped;
		});
		expect(sent.error).toBe(dropped);
		expect(pacer.requestsInFlight).toBe(0);
	});

	it('a second request waits for the first answer until the pacer has read the headers', async () => {
		const pacer = new RequestPacer(undefined, true);
		const order: string[] = [];
		const first = sendInTurn(pacer, api, soon(), async () => {
			await new Promise((resolve) => setTimeout(resolve, 30));
			order.push('first answered');
			return ok({ 'x-remaining': '100' });
		});
		const second = sendInTurn(pacer, api, soon(), async () => {
			order.push('second sent');
			return ok({ 'x-remaining': '99' });
		});
		await Promise.all([first, second]);
		expect(order).toEqual(['first answered', 'second sent']);
	});

	it('tells when the turn is taken, before sending', async () => {
		const events: string[] = [];
		await sendInTurn(undefined, api, { ...soon(), onTurn: () => events.push('turn') }, async () => {
			events.push('send');
			return ok();
		});
		expect(events).toEqual(['turn', 'send']);
	});
});

import { RequestPacer } from '../../nodes/shared/pacing';
import { waitAtMost } from '../../nodes/shared/waits';

/** What every request costs before it is sent: a 1,000-item run must not pile up listeners or timers. */
describe('per-request waits leave nothing behind', () => {
	it("a settled wait takes its listener off the execution's cancel signal", async () => {
		const controller = new AbortController();
		let listeners = 0;
		const { signal } = controller;
		const add = signal.addEventListener.bind(signal);
		const remove = signal.removeEventListener.bind(signal);
		signal.addEventListener = ((...args: Parameters<typeof add>) => {
			listeners++;
			add(...args);
		}) as typeof add;
		signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
			listeners--;
			remove(...args);
		}) as typeof remove;
		for (let i = 0; i < 100; i++) await waitAtMost(Promise.resolve(i), Infinity, signal);
		await expect(waitAtMost(Promise.reject(new Error('failed')), Infinity, signal)).rejects.toThrow(
			'failed',
		);
		expect(listeners).toBe(0);
		// Still cancellable while it waits.
		const waiting = waitAtMost(new Promise(() => undefined), Infinity, signal);
		controller.abort();
		await expect(waiting).rejects.toThrow('The execution was cancelled');
	});

	it('a turn that is free now is taken at once: no deadline timer, no listener', async () => {
		const pacer = new RequestPacer({ requests: 3000, perMs: 60_000 }, false);
		const controller = new AbortController();
		const timers = jest.spyOn(global, 'setTimeout');
		const listen = jest.spyOn(controller.signal, 'addEventListener');
		for (let i = 0; i < 100; i++) await pacer.acquire(Date.now() + 60_000, controller.signal);
		expect(timers).not.toHaveBeenCalled();
		expect(listen).not.toHaveBeenCalled();
		expect(pacer.requestsInFlight).toBe(100);
		timers.mockRestore();
	});

	it('a cancelled execution takes no turn, even a free one', async () => {
		const pacer = new RequestPacer({ requests: 10, perMs: 1000 }, false);
		const controller = new AbortController();
		controller.abort();
		await expect(pacer.acquire(Date.now() + 1000, controller.signal)).rejects.toThrow(
			'The execution was cancelled',
		);
		expect(pacer.requestsInFlight).toBe(0);
	});
});

import type { IExecuteFunctions } from 'n8n-workflow';

type StartedRuns = typeof import('../../nodes/shared/started-runs');

/** A fresh copy of the module: what another n8n process (a second worker) would load. */
function inAnotherProcess(): StartedRuns {
	let loaded: StartedRuns | undefined;
	jest.isolateModules(() => {
		loaded = jest.requireActual<StartedRuns>('../../nodes/shared/started-runs');
	});
	return loaded!;
}

/** n8n's deduplication store for one node, with no lock: `lose` drops that many writes, as a
 * concurrent write of another node run would. Calls after the first wait for `release()`. */
function dedupStore(lose = 0) {
	const held = new Set<string>();
	const calls: string[][] = [];
	let lost = 0;
	let release: () => void = () => undefined;
	const released = new Promise<void>((resolve) => (release = resolve));
	return {
		held,
		calls,
		release,
		async checkProcessedAndRecord(values: string[]) {
			calls.push(values);
			if (calls.length > 1) await released;
			const processed = values.filter((value) => held.has(value));
			const fresh = values.filter((value) => !held.has(value));
			if (lost < lose) lost++;
			else for (const value of fresh) held.add(value);
			return { new: fresh, processed };
		},
	};
}

function contextOf(store: ReturnType<typeof dedupStore>, executionId = 'job-7'): IExecuteFunctions {
	return {
		getMode: () => 'trigger',
		getExecutionId: () => executionId,
		getNode: () => ({ id: 'node-1', name: 'Chatwoot' }),
		getWorkflow: () => ({ id: 'workflow-1' }),
		helpers: { checkProcessedAndRecord: store.checkProcessedAndRecord },
	} as unknown as IExecuteFunctions;
}

describe('a node run that sends without a provider key leaves a start marker', () => {
	it('only the first store call is waited for; the marker is read back after it', async () => {
		const store = dedupStore();
		const start = await inAnotherProcess().recordNodeRunStart(contextOf(store), 'message.send');
		expect(start.restarted).toBe(false);
		// The read-back is under way, and the node run may send meanwhile.
		expect(store.calls).toHaveLength(2);
		let confirmed = false;
		void start.confirmed.then(() => (confirmed = true));
		await Promise.resolve();
		expect(confirmed).toBe(false);
		store.release();
		await start.confirmed;
		expect(store.held.size).toBe(1);
	});

	it('a marker lost to a concurrent write is written again before the node run ends', async () => {
		const store = dedupStore(1);
		const start = await inAnotherProcess().recordNodeRunStart(contextOf(store), 'message.send');
		expect(start.restarted).toBe(false);
		expect(store.held.size).toBe(0);
		store.release();
		await start.confirmed;
		expect(store.held.size).toBe(1);
		expect(store.calls).toHaveLength(3);
	});

	it('a second start of the same job in another process finds the marker', async () => {
		const store = dedupStore();
		store.release();
		await (
			await inAnotherProcess().recordNodeRunStart(contextOf(store), 'message.send')
		).confirmed;
		const again = await inAnotherProcess().recordNodeRunStart(contextOf(store), 'message.send');
		expect(again.restarted).toBe(true);
	});

	it('another execution, or the same job in the same process (Retry On Fail), is no second start', async () => {
		const store = dedupStore();
		store.release();
		const here = inAnotherProcess();
		await (
			await here.recordNodeRunStart(contextOf(store), 'message.send')
		).confirmed;
		expect((await here.recordNodeRunStart(contextOf(store), 'message.send')).restarted).toBe(false);
		const other = await inAnotherProcess().recordNodeRunStart(
			contextOf(store, 'job-8'),
			'message.send',
		);
		expect(other.restarted).toBe(false);
	});
});

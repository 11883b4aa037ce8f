// n8n 1.x answers every request 503 "Database is not ready!" while its database's health ping is
// late, as it can be under a burst of executions on SQLite; the request never reaches the
// trigger. A provider delivers such an event again, signed anew, as these helpers do.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const notReady = (answer) => answer.status === 503 && /Database is not ready/.test(answer.body);

/** Sends until n8n takes the delivery (at most `tries` times, a second apart); counts resends. */
export async function deliverAsProviderRetries(send, counter = { resent: 0 }, tries = 10) {
	for (let attempt = 1; ; attempt++) {
		const answer = await send();
		if (!notReady(answer) || attempt === tries) return answer;
		counter.resent++;
		await sleep(1000);
	}
}

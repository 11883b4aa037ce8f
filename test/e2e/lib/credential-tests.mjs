// n8n's real credential test, as the credential dialog runs it when a credential is saved: the
// credential is created over REST, then POST /rest/credentials/test with its id and data (n8n
// tests only credentials it stores), then deleted again.
import assert from 'node:assert/strict';

/**
 * Every scenario's `credentialTests(fakes)`: [{ name, data, status, message, requests? }], where
 * `message` is the dialog's exact text and `requests` how many requests the fake must receive.
 */
export async function checkCredentialTests({ instance, line, scenarios, running, report }) {
	for (const scenario of scenarios) {
		const fakes = running.byScenario[scenario.id];
		const [type] = scenario.credentialTypes;
		const secrets = scenario.secrets?.(fakes) ?? [];
		for (const test of scenario.credentialTests?.(fakes) ?? []) {
			const shown = test.message.length > 70 ? `${test.message.slice(0, 69)}…` : test.message;
			const title = `[${line}.x] ${scenario.id}: credential test, ${test.name} → ${test.status} "${shown}"`;
			await report.check(title, async () => {
				const before = countRequests(fakes);
				const result = await testCredential(instance, {
					name: `${scenario.id} credential test`,
					type,
					data: test.data,
				});
				assert.deepEqual(
					{ status: result.status, message: result.message },
					{ status: test.status, message: test.message },
				);
				for (const secret of [...secrets, ...(test.secrets ?? [])]) {
					assert.ok(!result.message.includes(secret), 'a secret appears in the message');
				}
				if (test.requests !== undefined) {
					assert.equal(countRequests(fakes) - before, test.requests, 'requests to the fake');
				}
			});
		}
	}
}

export async function testCredential(instance, credential) {
	const created = await instance.rest('POST', '/rest/credentials', credential);
	try {
		return await instance.rest('POST', '/rest/credentials/test', {
			credentials: { id: created.id, ...credential },
		});
	} finally {
		await instance.rest('DELETE', `/rest/credentials/${created.id}`);
	}
}

function countRequests(fakes) {
	return Object.values(fakes).reduce((sum, fake) => sum + fake.requests.length, 0);
}

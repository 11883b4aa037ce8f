// Starting every scenario's fakes and turning scenarios into n8n imports.
import { withCredentials } from './workflows.mjs';

export async function startFakes(scenarios, fakes) {
	const byScenario = {};
	for (const scenario of scenarios) byScenario[scenario.id] = await scenario.startFakes(fakes);
	return { byScenario };
}

export async function stopFakes(running) {
	for (const fakes of Object.values(running.byScenario)) {
		for (const fake of Object.values(fakes)) await fake.stop();
	}
}

/** Credentials (with fixed ids) and workflows (with ids, pointing at those credentials). */
export function prepareImports(scenarios, running, prefix = '') {
	const credentials = [];
	const workflows = [];
	for (const scenario of scenarios) {
		const fakes = running.byScenario[scenario.id];
		const own = scenario.credentials(fakes).map((credential, index) => ({
			id: `${scenario.id}Credential${index + 1}`,
			...credential,
		}));
		credentials.push(...own);
		const secrets = scenario.secrets?.(fakes) ?? [];
		scenario.workflows.forEach((run, index) => {
			const workflow = withCredentials(run.workflow, own);
			workflow.id = `${scenario.id}Workflow${index + 1}`;
			workflow.active = false;
			if (prefix && index > 0) workflow.name = `${workflow.name} (${run.name})`;
			workflows.push({ ...run, scenario, workflow, secrets, example: index === 0 });
		});
	}
	return { credentials, workflows };
}

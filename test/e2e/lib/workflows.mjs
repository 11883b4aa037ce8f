// Example workflows as the e2e tests and the dev demo import them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const examplesDir = resolve(here, '..', '..', '..', 'examples');
const scenariosDir = resolve(here, '..', 'scenarios');

/** Every scenario file in test/e2e/scenarios, one per provider. */
export async function loadScenarios(only = []) {
	const files = readdirSync(scenariosDir)
		.filter((name) => name.endsWith('.mjs'))
		.sort();
	const scenarios = [];
	for (const file of files) {
		const { default: scenario } = await import(pathToFileURL(join(scenariosDir, file)).href);
		if (only.length === 0 || only.includes(scenario.id)) scenarios.push(scenario);
	}
	return scenarios;
}

export function exampleFiles() {
	return readdirSync(examplesDir)
		.filter((name) => name.endsWith('.json'))
		.sort();
}

export function loadExample(file) {
	return JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
}

/** A copy of the workflow with one field of its Set node ("Edit Fields") changed. */
export function withInput(workflow, field, value) {
	const copy = structuredClone(workflow);
	const assignment = copy.nodes
		.filter((node) => node.type === 'n8n-nodes-base.set')
		.flatMap((node) => node.parameters.assignments.assignments)
		.find((candidate) => candidate.name === field);
	if (!assignment) throw new Error(`No input field "${field}" in workflow "${workflow.name}"`);
	assignment.value = value;
	return copy;
}

/** A copy of the workflow with parameters of the node `nodeName` merged in. */
export function withParameters(workflow, nodeName, parameters) {
	const copy = structuredClone(workflow);
	const node = copy.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`No node "${nodeName}" in workflow "${workflow.name}"`);
	node.parameters = { ...node.parameters, ...parameters };
	return copy;
}

/** Points every credential reference at the imported credential of the same type. */
export function withCredentials(workflow, credentials) {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			const credential = credentials.find((candidate) => candidate.type === type);
			if (!credential) throw new Error(`No credential of type ${type} for node "${node.name}"`);
			node.credentials[type] = { id: credential.id, name: credential.name };
		}
	}
	return copy;
}

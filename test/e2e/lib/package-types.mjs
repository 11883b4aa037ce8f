// The node and credential types package.json declares, read from the built dist files.
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { packageJson, repoRoot } from '../../../scripts/lib/package.mjs';

export function packageTypes() {
	const require = createRequire(join(repoRoot, 'package.json'));
	const instantiate = (path) => {
		const exported = require(join(repoRoot, path));
		return Object.values(exported).map((Type) => new Type());
	};
	const nodes = packageJson.n8n.nodes.flatMap(instantiate).map((node) => ({
		name: node.description.name,
		displayName: node.description.displayName,
		usableAsTool: node.description.usableAsTool === true,
		credentials: (node.description.credentials ?? []).map((credential) => credential.name),
	}));
	const credentials = packageJson.n8n.credentials.flatMap(instantiate).map((credential) => ({
		name: credential.name,
		displayName: credential.displayName,
	}));
	return { nodes, credentials };
}

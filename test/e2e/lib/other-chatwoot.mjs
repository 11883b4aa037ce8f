// Another published Chatwoot package, installed beside ours in every e2e run: it registers the
// credential type `chatwootApi`, a name ours must not take (n8n keeps one type per name).
import assert from 'node:assert/strict';

export const OTHER_CHATWOOT = {
	name: '@devlikeapro/n8n-nodes-chatwoot',
	version: '1.0.2',
	node: '@devlikeapro/n8n-nodes-chatwoot.chatWoot',
	credential: 'chatwootApi',
};

/** Both packages' Chatwoot nodes and credential types are listed, each type with its own fields. */
export async function checkBothChatwootPackages(instance, ourCredential, ourNode) {
	const nodes = await instance.rest('GET', '/types/nodes.json');
	const credentials = await instance.rest('GET', '/types/credentials.json');
	for (const name of [OTHER_CHATWOOT.node, ourNode]) {
		assert.ok(
			nodes.some((node) => node.name === name),
			`n8n does not list the node ${name}`,
		);
	}
	const fieldsOf = (name) => {
		const listed = credentials.filter((credential) => credential.name === name);
		assert.equal(listed.length, 1, `n8n lists ${listed.length} credential types named ${name}`);
		return listed[0].properties.map((property) => property.name);
	};
	assert.deepEqual(fieldsOf(ourCredential), [
		'baseUrl',
		'inboxSecret',
		'contactIdentifier',
		'hmacToken',
		'webhookSecret',
	]);
	const theirs = fieldsOf(OTHER_CHATWOOT.credential);
	assert.ok(!theirs.includes('inboxSecret'), `${OTHER_CHATWOOT.credential} has our fields`);
}

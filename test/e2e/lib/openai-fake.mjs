// A loopback stand-in for OpenAI's Chat Completions API that plays a scripted model: each turn
// calls one tool (found by name among the tools n8n offers) with fixed arguments, and once the
// script is done it answers in text. It logs every tool result n8n sends back, so a test can see
// exactly what the model was told. Serves POST /v1/chat/completions and GET /v1/models.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

export const MODEL = 'gpt-fake-tools';

/**
 * @param {{ turns: Array<{ tool: RegExp, args: object }>, finalAnswer: string }} script
 *   turn N is played when the conversation holds N earlier tool calls of the assistant.
 */
export async function startOpenAiFake({ turns, finalAnswer }) {
	const apiKey = `sk-fake-${randomUUID()}`;
	const requests = [];
	/** Every tool call the fake made, with what n8n answered (`result`, once it has come back). */
	const calls = [];
	const problems = [];

	const server = createServer(async (request, response) => {
		const send = (status, body) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		const refuse = (status, message) => {
			problems.push(message);
			send(status, { error: { message, type: 'invalid_request_error', code: null } });
		};
		const raw = await readBody(request);
		const path = new URL(request.url, 'http://127.0.0.1').pathname;
		const logged = { method: request.method, path };
		requests.push(logged);
		if (request.headers.authorization !== `Bearer ${apiKey}`) {
			return refuse(401, 'Incorrect API key provided.');
		}
		if (request.method === 'GET' && path === '/v1/models') {
			return send(200, {
				object: 'list',
				data: [{ id: MODEL, object: 'model', owned_by: 'fake' }],
			});
		}
		if (request.method !== 'POST' || path !== '/v1/chat/completions') {
			// E.g. /v1/responses: the OpenAI Chat Model's "Use Responses API" is on.
			return refuse(
				404,
				`This fake serves only /v1/chat/completions, not ${request.method} ${path}`,
			);
		}
		const body = JSON.parse(raw);
		if (body.stream) return refuse(400, 'This fake does not stream');
		const messages = body.messages ?? [];
		Object.assign(logged, { model: body.model, tools: body.tools ?? [], messages });
		recordToolResults(messages, calls);

		const turnIndex = messages.filter((message) => message.tool_calls?.length).length;
		const turn = turns[turnIndex];
		if (!turn)
			return send(200, completion(body.model, { role: 'assistant', content: finalAnswer }));
		const offered = (body.tools ?? []).map((tool) => tool.function.name);
		const name = offered.find((candidate) => turn.tool.test(candidate));
		if (!name) {
			return refuse(400, `No tool matches ${turn.tool} among: ${offered.join(', ') || 'none'}`);
		}
		const id = `call_${randomUUID().replaceAll('-', '')}`;
		calls.push({ id, turn: turnIndex, tool: name, args: turn.args, result: undefined });
		send(
			200,
			completion(body.model, {
				role: 'assistant',
				content: null,
				tool_calls: [
					{ id, type: 'function', function: { name, arguments: JSON.stringify(turn.args) } },
				],
			}),
		);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const baseUrl = `http://127.0.0.1:${server.address().port}/v1`;
	return {
		apiKey,
		baseUrl,
		requests,
		calls,
		problems,
		stop: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

/** n8n sends the whole conversation each time; tool messages answer the fake's calls by id. */
function recordToolResults(messages, calls) {
	for (const message of messages) {
		if (message.role !== 'tool') continue;
		const call = calls.find((candidate) => candidate.id === message.tool_call_id);
		if (call && call.result === undefined) call.result = contentText(message.content);
	}
}

function contentText(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
	return JSON.stringify(content);
}

function completion(model, message) {
	return {
		id: `chatcmpl-${randomUUID()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: model ?? MODEL,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

function readBody(request) {
	return new Promise((resolve, reject) => {
		let raw = '';
		request.setEncoding('utf8');
		request.on('data', (chunk) => (raw += chunk));
		request.on('end', () => resolve(raw));
		request.on('error', reject);
	});
}

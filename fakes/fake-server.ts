import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	rawBody: string;
	/** The exact bytes received, for binary uploads. */
	rawBytes: Buffer;
	/** The body parsed as JSON, when it is JSON. */
	body: unknown;
	time: number;
}

export interface FakeResponse {
	status: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string as it is. */
	body?: unknown;
	delayMs?: number;
	/** Close the connection without answering. */
	drop?: boolean;
	/** For a scripted answer: let the routes act on the request (create what it asks), then close
	 * the connection without answering, as a provider that acted and lost the answer. */
	afterActing?: boolean;
}

export type RouteHandler = (
	request: LoggedRequest,
	params: Record<string, string>,
) => FakeResponse | Promise<FakeResponse>;

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: RouteHandler;
}

interface Scripted {
	method: string;
	path: string | RegExp;
	responses: FakeResponse[];
	when?: (request: LoggedRequest) => boolean;
}

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port. It logs every request, answers from
 * routes that behave like the provider, and lets a test script one-off answers in front of them.
 */
export class FakeServer {
	readonly requests: LoggedRequest[] = [];
	/** Added to every answer, like network and provider latency. */
	latencyMs = 0;
	private readonly routes: Route[] = [];
	private scripted: Scripted[] = [];
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	private port = 0;

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	route(method: string, path: string, handler: RouteHandler): this {
		const names: string[] = [];
		const source = path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
		return this;
	}

	/** The next matching requests get these answers, in order, before the routes see them. */
	script(method: string, path: string | RegExp, ...responses: FakeResponse[]): this {
		this.scripted.push({ method, path, responses });
		return this;
	}

	/** Like script, for the matching requests whose body contains the text (one item's request). */
	scriptFor(
		method: string,
		path: string | RegExp,
		bodyContains: string,
		...responses: FakeResponse[]
	): this {
		const when = (request: LoggedRequest) => request.rawBody.includes(bodyContains);
		this.scripted.push({ method, path, responses, when });
		return this;
	}

	requestsTo(method: string, path: string | RegExp): LoggedRequest[] {
		return this.requests.filter(
			(r) =>
				r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
		);
	}

	/** Forgets the scripted answers not used yet, and keeps everything else. */
	clearScripts(): void {
		this.scripted = [];
	}

	reset(): void {
		this.requests.length = 0;
		this.scripted = [];
		this.latencyMs = 0;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBytes = Buffer.concat(chunks);
		const rawBody = rawBytes.toString('utf8');
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		let body: unknown;
		try {
			body = rawBody ? JSON.parse(rawBody) : undefined;
		} catch {
			body = undefined;
		}
		const logged: LoggedRequest = {
			method: req.method ?? 'GET',
			path: decodeURIComponent(url.pathname),
			query: Object.fromEntries(url.searchParams.entries()),
			headers: req.headers,
			rawBody,
			rawBytes,
			body,
			time: Date.now(),
		};
		this.requests.push(logged);

		let response: FakeResponse;
		try {
			response = await this.answer(logged);
		} catch (error) {
			response = { status: 500, body: { error: `fake failed: ${(error as Error).message}` } };
		}
		const delay = this.latencyMs + (response.delayMs ?? 0);
		if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
		if (response.drop) {
			req.socket.destroy();
			return;
		}
		const headers: Record<string, string> = { ...(response.headers ?? {}) };
		let payload = '';
		if (response.body !== undefined) {
			if (typeof response.body === 'string') {
				payload = response.body;
				headers['content-type'] ??= 'text/plain; charset=utf-8';
			} else {
				payload = JSON.stringify(response.body);
				headers['content-type'] ??= 'application/json; charset=utf-8';
			}
		}
		res.writeHead(response.status, headers);
		res.end(payload);
	}

	private async answer(request: LoggedRequest): Promise<FakeResponse> {
		const scripted = this.scripted.find(
			(s) =>
				s.method === request.method &&
				s.responses.length > 0 &&
				(typeof s.path === 'string' ? s.path === request.path : s.path.test(request.path)) &&
				(s.when === undefined || s.when(request)),
		);
		if (scripted) {
			const response = scripted.responses.shift()!;
			if (!response.afterActing) return response;
			await this.routeAnswer(request);
			return { status: 0, drop: true, delayMs: response.delayMs };
		}
		return await this.routeAnswer(request);
	}

	private async routeAnswer(request: LoggedRequest): Promise<FakeResponse> {
		for (const route of this.routes) {
			if (route.method !== request.method) continue;
			const match = route.pattern.exec(request.path);
			if (!match) continue;
			const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]]));
			return await route.handler(request, params);
		}
		return { status: 404, body: { status: 404, error: 'Not Found' } };
	}
}

export function header(request: LoggedRequest, name: string): string | undefined {
	const value = request.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

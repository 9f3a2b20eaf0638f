import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { OutPort, Packet, toWeftError, WeftError, httpStatusOf, type CodecContext, type Process } from '../../../src/index.ts';
import { decodeBody } from '../../_shared/http/decode-body.ts';
import { BYTES_TYPE, JSON_TYPE, stringifyJson } from '../../_shared/http/encode-body.ts';

/** The largest request body the runtime API reads (16 MiB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/v1\/nodes\/([^/?]+)$/;

/**
 * The local runtime API through which handlers call back into the engine (seed 000): one per
 * engine (codec context), on 127.0.0.1 and a random port, with a random token. Its one route,
 * `POST /v1/nodes/NAME` with `Authorization: Bearer TOKEN`, runs the node NAME of the namespace
 * on the decoded body and answers its reply as JSON (204 for no reply; an error as its
 * category's status with `{"error": {code, category, message}}`). With a `weft-call` header
 * naming a call in flight, the node runs in that call's process (its transaction, its end),
 * else in a new root process. Listens from the first `url()` until `close`.
 */
export class RuntimeApi {
  /** The secret handlers present; never logged. */
  readonly token = randomBytes(32).toString('base64url');
  readonly #context: CodecContext;
  readonly #calls = new Map<string, Process>();
  #server: Server | undefined;
  #listening: Promise<string> | undefined;

  constructor(context: CodecContext) {
    this.#context = context;
  }

  /** The base URL (`http://127.0.0.1:PORT`), listening first when not yet. */
  url(): Promise<string> {
    return (this.#listening ??= this.#listen());
  }

  /** Makes `process` reachable as a `weft-call` while a handler works for it; returns the id. */
  enter(process: Process): string {
    const id = randomBytes(16).toString('base64url');
    this.#calls.set(id, process);
    return id;
  }

  /** Ends what `enter` started: the id no longer names a process. */
  leave(id: string): void {
    this.#calls.delete(id);
  }

  /** Stops listening and drops open connections (idempotent). */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#listening = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #listen(): Promise<string> {
    const server = createServer((request, response) => void this.#serve(request, response));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (!this.#authorized(request.headers.authorization)) throw new WeftError('ERR_RUNTIME_API_UNAUTHENTICATED');
      const route = request.method === 'POST' ? ROUTE.exec(request.url ?? '') : null;
      if (route === null) throw refused(`no route ${request.method} ${request.url}; the API has POST /v1/nodes/NAME`);
      const name = decodeURIComponent(route[1]!);
      const body = await readBody(request);
      const payload = decodeBody(body, request.headers['content-type'] ?? JSON_TYPE, request.headers['content-encoding']);
      write(response, await this.#run(name, payload, request.headers['weft-call']));
    } catch (thrown) {
      write(response, new Packet(toWeftError(thrown)));
    }
  }

  async #run(name: string, payload: unknown, callHeader: string | string[] | undefined): Promise<Packet> {
    const caller = callHeader === undefined ? undefined : this.#calls.get(String(callHeader));
    if (callHeader !== undefined && caller === undefined) throw refused('weft-call names no call in flight (the call it came with has ended)');
    const port = this.#context.node(name)?.in('in');
    if (port === undefined) {
      throw new WeftError('ERR_NODE_UNAVAILABLE', { node: name, reason: `no node of that name with an in-port is loaded in namespace "${this.#context.namespace}"` });
    }
    const out = new OutPort('runtime-api');
    out.link(port);
    if (caller !== undefined) return await out.write(caller, new Packet(payload));
    // Paused, the call waits in the backlog; closing or a full backlog refuses it.
    const admission = await this.#context.processes.admit();
    if (admission !== true) throw admission;
    const process = this.#context.processes.spawn();
    let reply: Packet;
    try {
      reply = await out.write(process, new Packet(payload));
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    await process.finish(reply.payload instanceof Error ? reply.payload : undefined);
    return reply;
  }

  #authorized(header: string | undefined): boolean {
    if (header === undefined || !header.startsWith('Bearer ')) return false;
    const given = Buffer.from(header.slice('Bearer '.length).trim());
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function refused(reason: string): WeftError {
  return new WeftError('ERR_RUNTIME_API_REQUEST', { reason });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw refused(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function write(response: ServerResponse, packet: Packet): void {
  if (response.headersSent) return;
  if (packet === Packet.None) {
    response.writeHead(204).end();
    return;
  }
  const value = packet.payload;
  if (value instanceof Error) {
    const error = toWeftError(value);
    response.writeHead(httpStatusOf[error.category], { 'content-type': JSON_TYPE });
    response.end(stringifyJson({ error: { code: error.code, category: error.category, message: error.message } }));
    return;
  }
  if (value instanceof Uint8Array) {
    response.writeHead(200, { 'content-type': BYTES_TYPE }).end(value);
    return;
  }
  response.writeHead(200, { 'content-type': JSON_TYPE }).end(stringifyJson(value));
}

interface Shared {
  readonly api: RuntimeApi;
  users: number;
}

const shared = new WeakMap<CodecContext, Shared>();

/**
 * The runtime API of an engine, shared by its exec nodes: the first `acquire` for a codec
 * context makes it, each node `release`s it when it closes, and the last release closes it.
 * Keyed by the context (one per runtime), so two engines in one process never share a token.
 */
export function acquireRuntimeApi(context: CodecContext): RuntimeApi {
  let entry = shared.get(context);
  if (entry === undefined) {
    entry = { api: new RuntimeApi(context), users: 0 };
    shared.set(context, entry);
  }
  entry.users++;
  return entry.api;
}

/** Gives back what `acquireRuntimeApi` handed out; closes the API after its last user. */
export async function releaseRuntimeApi(context: CodecContext, api: RuntimeApi): Promise<void> {
  const entry = shared.get(context);
  if (entry === undefined || entry.api !== api) return;
  entry.users--;
  if (entry.users > 0) return;
  shared.delete(context);
  await api.close();
}

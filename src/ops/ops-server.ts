import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import FindMyWay from 'find-my-way';
import type { WebSocket, WebSocketServer } from 'ws';
import { catalogue, httpStatusOf, WeftError, type ErrorRow } from '../errors/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import type { EventBus } from './event-bus.ts';
import { eventConnection } from './event-connection.ts';
import type { OpsGuard, OpsRequest, OpsResponse, OpsRoute } from './ops-route.ts';

/** Options of an OpsServer. */
export interface OpsServerOptions {
  readonly host: string;
  /** 0 for a free port (see `address`). */
  readonly port: number;
  /** The routes served, from every provider (metrics and health, control, …). */
  readonly routes: readonly OpsRoute[];
  /** Decides who may use a route (and the event stream); default: everyone. */
  readonly guard?: OpsGuard;
  /** Serves `GET /v1/events` (WebSocket) from this bus when given. */
  readonly events?: EventBus;
  readonly logger?: Logger;
  /** The largest request body read, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
}

const EVENTS_PATH = '/v1/events';
const EVENTS_PROTOCOL = 'weft.events';
const BEARER_PROTOCOL = 'weft.bearer.';

const require = createRequire(import.meta.url);
/** ws, loaded when an ops plane is made, not by every engine that imports the kernel. */
const wsServer = (): typeof WebSocketServer => (require('ws') as { WebSocketServer: typeof WebSocketServer }).WebSocketServer;

/**
 * The ops plane's HTTP server (node:http + find-my-way, to keep an idle engine small): serves
 * a list of OpsRoute, asks the guard before each one and before upgrading the event stream,
 * and answers errors as `{error: {code, message}}` with the code's status, like the admin API.
 */
export class OpsServer {
  readonly #options: OpsServerOptions;
  readonly #logger: Logger;
  readonly #router = FindMyWay({ ignoreTrailingSlash: true });
  readonly #server: Server;
  readonly #sockets: WebSocketServer | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: OpsServerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    for (const route of options.routes) this.#router.on(route.method, route.path, () => undefined, { route });
    this.#server = createServer((request, response) => void this.#serve(request, response));
    if (options.events !== undefined) {
      const bus = options.events;
      // Browsers cannot set headers on a WebSocket: the console offers `weft.events` and its token as `weft.bearer.TOKEN`; only the first is answered.
      const handleProtocols = (offered: Set<string>) => (offered.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false);
      const sockets = (this.#sockets = new (wsServer())({ noServer: true, maxPayload: 64 * 1024, handleProtocols }));
      sockets.on('connection', (socket: WebSocket) => eventConnection(socket, bus));
      this.#server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.#upgrade(request, socket, head));
    }
  }

  /** Listens; ERR_LISTEN_FAILED when the address cannot be bound. */
  async start(): Promise<AddressInfo> {
    const { host, port } = this.#options;
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(new WeftError('ERR_LISTEN_FAILED', { address: `${host}:${port}`, reason: error.code ?? error.message }, { cause: error }));
      this.#server.once('error', failed);
      this.#server.listen(port, host, () => {
        this.#server.off('error', failed);
        resolve();
      });
    });
    return this.address!;
  }

  /** The bound address, or undefined before `start`. */
  get address(): AddressInfo | undefined {
    const address = this.#server.address();
    return address === null || typeof address === 'string' ? undefined : address;
  }

  /** Stops listening and ends every connection, event streams included (idempotent). */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const client of this.#sockets?.clients ?? []) client.terminate();
      this.#sockets?.close();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://ops');
      const found = this.#router.find(request.method as 'GET', url.pathname);
      const route = (found?.store as { route?: OpsRoute } | undefined)?.route;
      if (found === null || route === undefined) throw new WeftError('ERR_OPS_ROUTE_NOT_FOUND', { method: request.method ?? '?', path: url.pathname });
      const refused = route.public === true ? undefined : await this.#options.guard?.(request.headers, route.role);
      if (refused !== undefined) throw refused;
      const body = await readJson(request, this.#options.maxBodyBytes ?? 1024 * 1024);
      const opsRequest: OpsRequest = { method: request.method ?? 'GET', path: url.pathname, params: found.params as Record<string, string>, query: url.searchParams, headers: request.headers, body };
      write(response, await route.handle(opsRequest));
    } catch (thrown) {
      const error = thrown instanceof WeftError ? thrown : new WeftError('ERR_INTERNAL', { reason: thrown instanceof Error ? thrown.message : String(thrown) });
      if (error.category === 'internal') this.#logger.error({ err: thrown, path: request.url }, 'ops route failed');
      write(response, errorResponse(error));
    }
  }

  async #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://ops').pathname;
    let error: WeftError | undefined;
    if (path !== EVENTS_PATH) error = new WeftError('ERR_OPS_ROUTE_NOT_FOUND', { method: 'GET (upgrade)', path });
    else error = await this.#options.guard?.(withProtocolToken(request.headers), 'read');
    if (error !== undefined) {
      const answer = errorResponse(error);
      const body = JSON.stringify(answer.body);
      socket.end(`HTTP/1.1 ${answer.status} ${answer.status === 404 ? 'Not Found' : 'Refused'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    this.#sockets!.handleUpgrade(request, socket, head, (client) => this.#sockets!.emit('connection', client, request));
  }
}

/** The headers with `Authorization: Bearer TOKEN` from a `weft.bearer.TOKEN` subprotocol, when they carry no Authorization of their own. */
function withProtocolToken(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  if (headers.authorization !== undefined) return headers;
  const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((entry) => entry.trim());
  const token = offered.find((entry) => entry.startsWith(BEARER_PROTOCOL))?.slice(BEARER_PROTOCOL.length);
  return token === undefined || token === '' ? headers : { ...headers, authorization: `Bearer ${token}` };
}

/** The response of a coded error: its code's status (or its category's), `{error: {code, message}}`. */
function errorResponse(error: WeftError): OpsResponse {
  const row: ErrorRow = catalogue[error.code];
  const status = row.status ?? httpStatusOf[error.category];
  const message = error.category === 'internal' ? 'Internal Server Error' : error.message;
  return { status, body: { error: { code: error.code, message } } };
}

function write(response: ServerResponse, answer: OpsResponse): void {
  const text = answer.contentType === undefined ? JSON.stringify(answer.body) : String(answer.body);
  response.writeHead(answer.status, { ...answer.headers, 'content-type': answer.contentType ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readJson(request: IncomingMessage, max: number): Promise<unknown> {
  if (request.method === 'GET' || request.method === 'HEAD') {
    request.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new WeftError('ERR_HTTP_BODY_TOO_LARGE', { reason: `more than ${max} bytes` });
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (thrown) {
    throw new WeftError('ERR_HTTP_BODY_INVALID', { type: 'JSON', reason: (thrown as Error).message });
  }
}

import { STATUS_CODES } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  defineKind, Packet, SourceNode, toWeftError, WeftError,
  type CodecContext, type Logger, type Node, type Process, type Reply,
} from '../../src/index.ts';
import { decodeBody } from '../_shared/http/decode-body.ts';
import { HttpServer, type RequestHandler, type ServerAddress } from './listener/http-server.ts';
import { requestPayload } from './listener/request-payload.ts';
import { writeError, writeInternal, writeReply } from './listener/write-reply.ts';

/** The kind name. */
export const kind = 'listener';

/** The listener's own spec fields. */
export const schema = Type.Object({
  protocol: Type.Literal('http', { description: 'The protocol served; only "http".' }),
  host: Type.Optional(Type.String({ minLength: 1, description: 'The address to bind; default "0.0.0.0" (all interfaces).' })),
  port: Type.Integer({ minimum: 0, maximum: 65_535, description: 'The TCP port; 0 picks a free one (tests).' }),
});

/** Options of a ListenerNode: the address to serve and the runtime's services. */
export interface ListenerOptions {
  readonly protocol: 'http';
  readonly host: string;
  readonly port: number;
  readonly context: CodecContext;
}

const SHUTTING_DOWN = new WeftError('ERR_SHUTTING_DOWN');

/**
 * Serves HTTP (fastify): each request is a root process whose request map goes to `out`; the
 * reply becomes the response (see `writeReply`). `activate` listens, `deactivate`/`close` stop.
 * A replacement with the same address `adopt`s the server, so a reload keeps the socket.
 */
export class ListenerNode extends SourceNode implements RequestHandler {
  readonly protocol: 'http';
  readonly host: string;
  /** The configured port (0 = any); the bound one is `address()?.port`. */
  readonly configuredPort: number;
  readonly #context: CodecContext;
  readonly #logger: Logger;
  #server: HttpServer | undefined;
  #closed = false;

  constructor(options: ListenerOptions) {
    super();
    this.protocol = options.protocol;
    this.host = options.host;
    this.configuredPort = options.port;
    this.#context = options.context;
    this.#logger = options.context.logger.child({ kind });
  }

  /** The bound port, or undefined when not listening. */
  get port(): number | undefined {
    return this.#server?.address()?.port;
  }

  /** The bound address, or undefined when not listening. */
  address(): ServerAddress | undefined {
    return this.#server?.address();
  }

  /** Listens (idempotent) and makes this node the one that answers; ERR_LISTEN_FAILED on failure. */
  async activate(): Promise<void> {
    if (this.#closed) throw new WeftError('ERR_NODE_CLOSED', { node: `${kind} ${this.host}:${this.configuredPort}` });
    const server = (this.#server ??= new HttpServer({ host: this.host, port: this.configuredPort, owner: this }));
    server.owner = this;
    await server.listen();
  }

  /** Stops listening, unless another listener adopted the server. */
  async deactivate(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }

  /**
   * Takes over the listening server of `previous` when it serves the same protocol, host and
   * port. `previous` keeps answering until this node is activated, and leaves the server alone
   * when it is deactivated or closed.
   */
  adopt(previous: Node): void {
    if (!(previous instanceof ListenerNode) || previous === this || this.#server !== undefined) return;
    if (previous.protocol !== this.protocol || previous.host !== this.host || previous.configuredPort !== this.configuredPort) return;
    const server = previous.#server;
    if (server === undefined || !server.listening) return;
    previous.#server = undefined;
    this.#server = server;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.deactivate();
  }

  /** Answers one request (RequestHandler): never throws, always responds. */
  serve(request: FastifyRequest, reply: FastifyReply): void {
    if (this.#closed || !this.#context.processes.admitting) {
      reply.header('connection', 'close');
      writeError(reply, SHUTTING_DOWN);
      return;
    }
    const process = this.#context.processes.spawn();
    let result: Reply;
    try {
      result = this.#dispatch(process, request);
    } catch (thrown) {
      result = new Packet(toWeftError(thrown));
    }
    if (result instanceof Packet) {
      this.#answer(process, request, reply, result);
      return;
    }
    result.then(
      (packet) => this.#answer(process, request, reply, packet),
      (reason: unknown) => this.#answer(process, request, reply, new Packet(toWeftError(reason))),
    );
  }

  #dispatch(process: Process, request: FastifyRequest): Reply {
    const headers = request.headers;
    let body: unknown;
    try {
      body = decodeBody(request.body as Uint8Array | undefined, headers['content-type'], headers['content-encoding']);
    } catch (thrown) {
      return this.fail(process, new Packet(toWeftError(thrown)));
    }
    return this.emit(process, new Packet(requestPayload(request, body)));
  }

  #answer(process: Process, request: FastifyRequest, reply: FastifyReply, packet: Packet): void {
    let status: number;
    try {
      status = writeReply(reply, packet, request.headers.accept);
    } catch (thrown) {
      this.#logger.error({ err: thrown, method: request.method, url: request.url }, 'cannot write the reply');
      status = writeInternal(reply, 'unwritable reply');
    }
    if (status === 500 && packet.payload instanceof Error) {
      this.#logger.error({ err: packet.payload, method: request.method, url: request.url }, 'request failed');
    }
    void process.finish(status >= 400 ? new Error(STATUS_CODES[status] ?? `HTTP ${status}`) : undefined);
  }
}

/** `listener`: an HTTP server whose requests start workflows (uniflow §9.4). */
export const definition = defineKind({
  kind,
  description: 'Serves HTTP: each request goes to out as {method, host, path, query, protocol, header, body}; the reply is the response.',
  schema,
  ports: { in: [], out: ['out', 'error'] },
  codec: (spec, context) => new ListenerNode({ protocol: spec.protocol, host: spec.host ?? '0.0.0.0', port: spec.port, context }),
});

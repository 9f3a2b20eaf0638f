import type { IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WeftError, type Process } from '../../../src/index.ts';
import { parseForm } from '../../_shared/http/form.ts';
import { JSON_TYPE } from '../../_shared/http/encode-body.ts';
import { errorBody, statusOfError } from '../../_shared/http/http-response.ts';
import { Connections } from './connections.ts';
import type { ListenerLimits } from './listener-limits.ts';
import { bodyReader } from './read-body.ts';
import type { TlsMaterial } from './tls-files.ts';

/** Whoever answers the requests of a server: the listener node that currently owns it. */
export interface RequestHandler {
  /** The owner's name for logs and errors (the listener spec's name). */
  readonly name: string;
  /**
   * Must answer every request (never throw): the server does not catch for it. A process it
   * starts goes to `connections.begin` and, once answered, `connections.end`.
   */
  serve(request: FastifyRequest, reply: FastifyReply, connections: Connections): void;
  /** The client of `process` went away before its reply; the owner ends the process. */
  clientClosed(process: Process): void;
  /**
   * Handles a request with an `Upgrade` header (Node's 'upgrade' event): must answer it on the
   * raw socket or hand the socket over (`connections.takeOver`); never throws.
   */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, connections: Connections): void;
}

/** Where a server listens. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of an HttpServer. */
export interface HttpServerOptions extends ServerAddress {
  readonly owner: RequestHandler;
  readonly limits: ListenerLimits;
  /** Serve HTTPS with these certificate and key (setSecureContext replaces them live). */
  readonly tls?: TlsMaterial;
}

/** How often Node looks for connections past headersTimeout/requestTimeout, at most. */
const CHECK_INTERVAL_MS = 1000;

/**
 * One fastify instance on one address, with a single catch-all route that hands every request
 * to `owner`. `owner` is mutable so that a reloaded listener can take over the socket
 * (`ListenerNode.adopt`) without a request being refused, and `configure` applies its limits
 * to the running server (all of them take effect without a new socket). Bodies reach the owner
 * as raw Buffers (the owner decodes them lazily); the query as name → list of strings.
 */
export class HttpServer {
  owner: RequestHandler;
  readonly host: string;
  readonly port: number;
  /** Whether it serves HTTPS; fixed for the server's life (a listener that changes it binds a new one). */
  readonly secure: boolean;
  #limits: ListenerLimits;
  #tls: TlsMaterial | undefined;
  #app: FastifyInstance | undefined;
  #connections: Connections | undefined;
  #starting: Promise<void> | undefined;

  constructor(options: HttpServerOptions) {
    this.host = options.host;
    this.port = options.port;
    this.owner = options.owner;
    this.#limits = options.limits;
    this.#tls = options.tls;
    this.secure = options.tls !== undefined;
  }

  /** The certificate and key served now (HTTPS only). */
  get tls(): TlsMaterial | undefined {
    return this.#tls;
  }

  /** Serves new TLS material on the same socket: new connections get it, open ones keep theirs. */
  setSecureContext(material: TlsMaterial): void {
    if (!this.secure) throw new Error('setSecureContext on an HTTP server');
    this.#tls = material;
    (this.#app?.server as HttpsServer | undefined)?.setSecureContext(material);
  }

  /** True once listening, until closed. */
  get listening(): boolean {
    return this.#app !== undefined;
  }

  /** The limits applied now. */
  get limits(): ListenerLimits {
    return this.#limits;
  }

  /** The bound address (the real port when 0 was asked), or undefined when not listening. */
  address(): ServerAddress | undefined {
    const bound = this.#app?.server.address();
    return bound === null || bound === undefined || typeof bound === 'string' ? undefined : { host: bound.address, port: bound.port };
  }

  /** Applies limits to the running server (and to the next start): they take effect on the same socket. */
  configure(limits: ListenerLimits): void {
    this.#limits = limits;
    const server = this.#app?.server;
    if (server === undefined) return;
    server.headersTimeout = limits.headersTimeoutMs;
    server.requestTimeout = limits.requestTimeoutMs;
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    server.maxConnections = limits.maxConnections;
    // The inactivity of a connection before its first reply (Connections closes idle ones).
    server.timeout = limits.headersTimeoutMs;
  }

  /** Starts listening (idempotent; concurrent calls share one attempt); ERR_LISTEN_FAILED on failure. */
  listen(): Promise<void> {
    return (this.#starting ??= this.#start());
  }

  /**
   * Stops accepting connections but keeps serving the open ones, so that another server can
   * bind an overlapping address (a listener whose host changed on the same port); `resume`
   * listens again when that fails.
   */
  async pause(): Promise<void> {
    const server = this.#app?.server;
    if (server === undefined || !server.listening) return;
    // The listening socket goes at once ('close' would wait for every connection); its
    // descriptor is released on the next turn of the event loop.
    server.close();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Listens again after `pause` (ERR_LISTEN_FAILED when the address was taken meanwhile). */
  async resume(): Promise<void> {
    const server = this.#app?.server;
    if (server === undefined || server.listening) return;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port: this.port }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((thrown: unknown) => {
      throw listenError(this, thrown);
    });
  }

  /**
   * Stops listening (idempotent): refuses new connections, drops the ones with no request in
   * flight at once (idle, or still sending), lets the others finish their reply.
   */
  async close(): Promise<void> {
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting === undefined) return;
    await starting.catch(() => undefined);
    const app = this.#app;
    const connections = this.#connections;
    this.#app = undefined;
    this.#connections = undefined;
    if (app === undefined) return;
    const closed = app.close();
    connections?.drop();
    await closed;
  }

  async #start(): Promise<void> {
    const { app, connections } = createApp(this);
    try {
      await app.listen({ host: this.host, port: this.port });
    } catch (thrown) {
      this.#starting = undefined;
      await app.close().catch(() => undefined);
      throw listenError(this, thrown);
    }
    this.#app = app;
    this.#connections = connections;
    this.configure(this.#limits);
  }
}

function listenError(server: HttpServer, thrown: unknown): WeftError {
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new WeftError('ERR_LISTEN_FAILED', { address: `${server.host}:${server.port}`, reason }, { cause: thrown });
}

/** A fastify app whose every request goes to the server's current owner, with its connections. */
function createApp(server: HttpServer): { app: FastifyInstance; connections: Connections } {
  const limits = server.limits;
  const timeouts = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(CHECK_INTERVAL_MS, Math.floor(limits.headersTimeoutMs / 4))),
  };
  const app = Fastify({
    logger: false,
    routerOptions: { querystringParser: parseForm },
    frameworkErrors: answerFrameworkError,
    // While closing, requests on open connections still reach the owner, which answers them
    // in weft's shape (ERR_SHUTTING_DOWN once the engine stops admitting work).
    return503OnClosing: false,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // fastify gives `https` to https.createServer and ignores `http` then: the timeouts go in both.
    ...(server.tls === undefined ? { http: timeouts } : { https: { ...timeouts, ...server.tls } }),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', bodyReader(() => server.limits.bodySize));
  app.setErrorHandler(answerFrameworkError);
  const connections = new Connections(app.server, (process) => server.owner.clientClosed(process));
  app.all('*', (request, reply) => server.owner.serve(request, reply, connections));
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => server.owner.upgrade(request, socket, head, connections));
  return { app, connections };
}

/**
 * Answers what the server refuses before a request reaches the owner: weft's own refusals
 * (body too large, encoding) with their code and status, fastify's (bad URL, bad
 * Content-Type) with its 4xx status as ERR_HTTP_REQUEST_INVALID; always weft's JSON error shape.
 */
function answerFrameworkError(error: FastifyError | WeftError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof WeftError) {
    void reply.code(statusOfError(error)).header('content-type', JSON_TYPE).send(errorBody(error));
    return;
  }
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  const refused = new WeftError('ERR_HTTP_REQUEST_INVALID', { reason: error.message }, { cause: error });
  void reply.code(status).header('content-type', JSON_TYPE).send(errorBody(status === 500 ? error : refused));
}

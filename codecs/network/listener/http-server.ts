import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WeftError } from '../../../src/index.ts';
import { parseForm } from '../../_shared/http/form.ts';
import { JSON_TYPE } from '../../_shared/http/encode-body.ts';
import { errorBody } from '../../_shared/http/http-response.ts';

/** Whoever answers the requests of a server: the listener node that currently owns it. */
export interface RequestHandler {
  /** Must answer every request (never throw): the server does not catch for it. */
  serve(request: FastifyRequest, reply: FastifyReply): void;
}

/** Where a server listens. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * One fastify instance on one address, with a single catch-all route that hands every request
 * to `owner`. `owner` is mutable so that a reloaded listener can take over the socket
 * (`ListenerNode.adopt`) without a request being refused. Bodies reach the owner as raw
 * Buffers (the owner decodes them); the query as name → list of strings.
 */
export class HttpServer {
  owner: RequestHandler;
  readonly host: string;
  readonly port: number;
  #app: FastifyInstance | undefined;
  #starting: Promise<void> | undefined;

  constructor(options: ServerAddress & { readonly owner: RequestHandler }) {
    this.host = options.host;
    this.port = options.port;
    this.owner = options.owner;
  }

  /** True once listening, until closed. */
  get listening(): boolean {
    return this.#app !== undefined;
  }

  /** The bound address (the real port when 0 was asked), or undefined when not listening. */
  address(): ServerAddress | undefined {
    const bound = this.#app?.server.address();
    return bound === null || bound === undefined || typeof bound === 'string' ? undefined : { host: bound.address, port: bound.port };
  }

  /** Starts listening (idempotent; concurrent calls share one attempt); ERR_LISTEN_FAILED on failure. */
  listen(): Promise<void> {
    return (this.#starting ??= this.#start());
  }

  /** Stops listening: refuses new connections, lets requests in progress finish (idempotent). */
  async close(): Promise<void> {
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting === undefined) return;
    await starting.catch(() => undefined);
    const app = this.#app;
    this.#app = undefined;
    await app?.close();
  }

  async #start(): Promise<void> {
    const app = createApp(this);
    try {
      await app.listen({ host: this.host, port: this.port });
    } catch (thrown) {
      this.#starting = undefined;
      await app.close().catch(() => undefined);
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw new WeftError('ERR_LISTEN_FAILED', { address: `${this.host}:${this.port}`, reason }, { cause: thrown });
    }
    this.#app = app;
  }
}

function createApp(server: HttpServer): FastifyInstance {
  const app = Fastify({ logger: false, routerOptions: { querystringParser: parseForm }, frameworkErrors: answerFrameworkError });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, keepBytes);
  app.setErrorHandler(answerFrameworkError);
  app.all('*', (request, reply) => server.owner.serve(request, reply));
  return app;
}

function keepBytes(_request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void): void {
  done(null, body);
}

/**
 * Answers what fastify refuses before a request reaches the owner (bad URL, body too large,
 * bad Content-Type): its 4xx status, with weft's JSON error shape.
 */
function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  const refused = new WeftError('ERR_HTTP_REQUEST_INVALID', { reason: error.message }, { cause: error });
  void reply.code(status).header('content-type', JSON_TYPE).send(errorBody(status === 500 ? error : refused));
}

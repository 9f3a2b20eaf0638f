import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { Span } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  defineKind, Packet, SourceNode, toWeftError, WeftError,
  type CodecContext, type Logger, type Node, type Principal, type Process, type Reply, type Verdict,
} from '../../src/index.ts';
import { decodeBody } from '../_shared/http/decode-body.ts';
import { isHttpResponse } from '../_shared/http/http-response.ts';
import { LazyBody, takesLazyBodies } from '../_shared/http/lazy-body.ts';
import { HTTP_TAKEOVER } from '../_shared/http/takeover.ts';
import type { Connections } from './listener/connections.ts';
import { AuthSchema, authProblems, authView, challenge, ListenerAuth } from './listener/listener-auth.ts';
import { CorsPolicy, CorsSchema, corsProblems, type CorsSpec } from './listener/cors-policy.ts';
import { RateLimiter, RateLimitSchema, rateLimitProblems, type RateLimitSpec } from './listener/rate-limiter.ts';
import { FailureLog } from './listener/failure-log.ts';
import { HostNames, isLoopbackAddress } from './listener/host-names.ts';
import { HttpServer, type RequestHandler, type ServerAddress } from './listener/http-server.ts';
import { DEFAULT_LIMITS, LimitsSchema, limitsProblems, resolveLimits, type ListenerLimits } from './listener/listener-limits.ts';
import { requestPayload } from './listener/request-payload.ts';
import { endRequestSpan, startRequestSpan } from './listener/request-span.ts';
import { withSpan } from '../_shared/trace/process-span.ts';
import { readTlsMaterial, TlsSchema, TlsWatcher, type TlsMaterial, type TlsSpec } from './listener/tls-files.ts';
import { UpgradeTakeover, upgradePayload, writeRawError, writeRawReply } from './listener/upgrade-request.ts';
import { writeError, writeFailure, writeReply } from './listener/write-reply.ts';
import { grpcFieldProblems, grpcListener, grpcListenerFields, grpcPorts } from './grpc/grpc-listener.ts';
import { displacedPort, type HeldPort, type PortHolder } from './grpc/port-holder.ts';
import { registerListenerHealth } from './listener/listener-health.ts';

/** The kind name. */
export const kind = 'listener';

/** The listener's own spec fields. */
export const schema = Type.Object({
  protocol: Type.Union([Type.Literal('http'), Type.Literal('grpc')], { description: 'The protocol served: "http", or "grpc" (the services of a .proto file; docs/kinds/grpc.md).' }),
  host: Type.Optional(Type.String({ minLength: 1, description: 'The address to bind; default "127.0.0.1" (this machine only); "0.0.0.0" serves every interface (in a container, say).' })),
  port: Type.Integer({ minimum: 0, maximum: 65_535, description: 'The TCP port; 0 picks a free one (tests).' }),
  limits: Type.Optional(LimitsSchema),
  cors: Type.Optional(CorsSchema),
  rateLimit: Type.Optional(RateLimitSchema),
  tls: Type.Optional(TlsSchema),
  auth: Type.Optional(AuthSchema),
  ...grpcListenerFields,
});

/** Options of a ListenerNode: the address to serve, its limits and the runtime's services. */
export interface ListenerOptions {
  readonly protocol: 'http';
  readonly host: string;
  readonly port: number;
  readonly context: CodecContext;
  /** The name in logs and errors (the spec's); default "listener". */
  readonly name?: string;
  readonly limits?: ListenerLimits;
  /** When set, only requests whose Host header these names allow are served (403 otherwise). */
  readonly hosts?: HostNames;
  /** Cross-origin rules applied before (preflights) and after (reply headers) the workflow. */
  readonly cors?: CorsSpec;
  /** Requests per client per window; over it, 429 before the workflow runs. */
  readonly rateLimit?: RateLimitSpec;
  /** Serve HTTPS: the files (watched for replacement while active) and what they held at load. */
  readonly tls?: { readonly spec: TlsSpec; readonly material: TlsMaterial };
  /** Credentials every request must carry (checked after CORS preflights, before the workflow). */
  readonly auth?: ListenerAuth;
}

const SHUTTING_DOWN = new WeftError('ERR_SHUTTING_DOWN');
/** What the process group answers when it does not admit work at once: a refusal or a wait in the backlog. */
type Held = Exclude<ReturnType<CodecContext['processes']['admit']>, true>;
/** The Retry-After (seconds) of a request refused because its paused namespace's backlog is full. */
const BACKLOG_RETRY_AFTER_S = '5';

/**
 * Serves HTTP (fastify): each request is a root process whose request map goes to `out`; the
 * reply becomes the response (see `writeReply`). `activate` listens, `deactivate`/`close` stop.
 * A replacement with the same address `adopt`s the server, so a reload keeps the socket and
 * applies the new limits to it; one whose host changed on the same port binds after the old
 * socket stops accepting. A client that leaves before its reply ends the request's process
 * (ERR_CLIENT_CLOSED). 500s are logged once per error code per minute.
 */
export class ListenerNode extends SourceNode implements RequestHandler, PortHolder {
  readonly protocol: 'http';
  readonly host: string;
  /** The configured port (0 = any); the bound one is `address()?.port`. */
  readonly configuredPort: number;
  readonly name: string;
  readonly limits: ListenerLimits;
  readonly #context: CodecContext;
  /** Who serves, as request spans name it. */
  readonly #owner: { readonly namespace: string; readonly node: string; readonly kind: string };
  readonly #logger: Logger;
  readonly #hosts: HostNames | undefined;
  readonly #failures: FailureLog;
  readonly #cors: CorsPolicy | undefined;
  readonly #rateLimit: RateLimitSpec | undefined;
  #limiter: RateLimiter | undefined;
  readonly #tls: ListenerOptions['tls'];
  readonly #auth: ListenerAuth | undefined;
  #tlsWatcher: TlsWatcher | undefined;
  #server: HttpServer | undefined;
  /** Leaves the health registry (readiness: this listener is bound). */
  #unregister: (() => void) | undefined;
  /** The server of the node this one replaces, on the same port but another host (or a gRPC listener's). */
  #predecessor: HeldPort | undefined;
  #closed = false;
  /** The replacement that adopted this node's server: requests held in a paused backlog run on it. */
  #successor: ListenerNode | undefined;

  constructor(options: ListenerOptions) {
    super();
    this.protocol = options.protocol;
    this.host = options.host;
    this.configuredPort = options.port;
    this.name = options.name ?? kind;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.#context = options.context;
    this.#owner = { namespace: options.context.namespace, node: this.name, kind };
    this.#hosts = options.hosts;
    this.#logger = options.context.logger.child({ kind, node: this.name });
    this.#failures = new FailureLog(this.#logger);
    this.#cors = options.cors === undefined ? undefined : new CorsPolicy(options.cors);
    this.#rateLimit = options.rateLimit;
    this.#limiter = options.rateLimit === undefined ? undefined : new RateLimiter(options.rateLimit);
    this.#tls = options.tls;
    this.#auth = options.auth;
  }

  /** Whether it serves HTTPS. */
  get secure(): boolean {
    return this.#tls !== undefined;
  }

  /** The bound port, or undefined when not listening. */
  get port(): number | undefined {
    return this.#server?.address()?.port;
  }

  /** The URL it serves (with the bound port), or undefined when not listening. */
  get url(): string | undefined {
    const address = this.#server?.address();
    if (address === undefined) return undefined;
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    return `${this.secure ? 'https' : 'http'}://${host}:${address.port}`;
  }

  /** The bound address, or undefined when not listening. */
  address(): ServerAddress | undefined {
    return this.#server?.address();
  }

  /** Listens (idempotent) and makes this node the one that answers, with its limits; ERR_LISTEN_FAILED on failure. */
  async activate(): Promise<void> {
    if (this.#closed) throw new WeftError('ERR_NODE_CLOSED', { node: `${kind} ${this.host}:${this.configuredPort}` });
    const tls = this.#tls;
    const server = (this.#server ??= new HttpServer({ host: this.host, port: this.configuredPort, owner: this, limits: this.limits, tls: tls?.material }));
    server.owner = this;
    server.configure(this.limits);
    // An adopted HTTPS server takes this spec's files (they may name others, or hold a new certificate).
    if (tls !== undefined && server.tls !== tls.material) server.setSecureContext(tls.material);
    const bound = server.listening;
    await this.#listen(server);
    // Said once per socket (a reload that keeps it stays quiet): where the engine serves, for whoever reads the log.
    if (!bound) this.#logger.info({ url: this.url }, 'listening');
    this.#tlsWatcher?.stop();
    this.#tlsWatcher = tls === undefined ? undefined : new TlsWatcher(tls.spec, (material) => server.setSecureContext(material), this.#logger);
    this.#unregister?.();
    this.#unregister = registerListenerHealth(this.#context, this.name, server, `${this.host}:${this.configuredPort}`);
  }

  /** Stops listening, unless another listener adopted the server. */
  async deactivate(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
    const server = this.#server;
    this.#server = undefined;
    this.#predecessor = undefined;
    this.#tlsWatcher?.stop();
    this.#tlsWatcher = undefined;
    await server?.close();
  }

  /**
   * Takes over the listening server of `previous` when it serves the same protocol, host and
   * port. `previous` keeps answering until this node is activated, and leaves the server alone
   * when it is deactivated or closed. On the same (fixed) port with another host, it notes the
   * old server instead: `activate` pauses it if the new address overlaps it.
   */
  adopt(previous: Node): void {
    if (previous === this || this.#server !== undefined) return;
    if (!(previous instanceof ListenerNode)) {
      // A gRPC listener on this fixed port: its server is paused (closed) once this one finds the port taken.
      this.#predecessor = displacedPort(previous, this);
      return;
    }
    const server = previous.#server;
    if (server === undefined || !server.listening || previous.protocol !== this.protocol || previous.configuredPort !== this.configuredPort) return;
    // Another host, or HTTP ↔ HTTPS: a new server, bound once the old one stops accepting.
    if (previous.host !== this.host || server.secure !== this.secure) {
      if (this.configuredPort !== 0) this.#predecessor = server;
      return;
    }
    previous.#server = undefined;
    previous.#successor = this;
    previous.#tlsWatcher?.stop();
    previous.#tlsWatcher = undefined;
    this.#server = server;
    // The counts survive a reload that keeps the window and what makes a client.
    if (this.#rateLimit !== undefined && previous.#limiter !== undefined) this.#limiter = new RateLimiter(this.#rateLimit, previous.#limiter);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.deactivate();
  }

  /** The port this node's server holds, for a gRPC listener replacing it (PortHolder). */
  heldPort(): HeldPort | undefined {
    return this.#server;
  }

  /** Answers one request (RequestHandler): never throws, always responds. */
  serve(request: FastifyRequest, reply: FastifyReply, connections: Connections): void {
    if (this.#closed || !this.#context.processes.admitting) {
      reply.header('connection', 'close');
      writeError(reply, SHUTTING_DOWN);
      return;
    }
    const admission = this.#context.processes.admit();
    if (admission !== true) {
      this.#hold(admission, () => request.raw.destroyed || reply.raw.destroyed, (node) => node.serve(request, reply, connections), (error) => refuse(reply, error));
      return;
    }
    if (this.#hosts !== undefined && !this.#hosts.allows(request.headers.host)) {
      writeError(reply, new WeftError('ERR_HTTP_HOST_NOT_ALLOWED', { host: printable(request.headers.host ?? '') }));
      return;
    }
    const cors = this.#cors?.verdict(request) ?? 'none';
    if (this.#cors !== undefined) this.#cors.decorate(request, reply, cors);
    const waitMs = this.#limiter?.take(request) ?? 0;
    if (waitMs > 0) {
      reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      writeError(reply, new WeftError('ERR_RATE_LIMITED', { node: this.name, max: String(this.#limiter!.max), window: `${this.#limiter!.windowMs} ms` }));
      return;
    }
    if (this.#cors !== undefined && CorsPolicy.isPreflight(request)) {
      if (cors === 'allowed') this.#cors.answerPreflight(request, reply);
      else writeError(reply, new WeftError('ERR_CORS_ORIGIN_NOT_ALLOWED', { origin: printable(request.headers.origin ?? '') }));
      return;
    }
    if (this.#auth === undefined) {
      this.#run(request, reply, connections, undefined);
      return;
    }
    const authorization = request.headers.authorization;
    const verdict = this.#auth.check(request.method, authorization);
    if (!(verdict instanceof Promise)) this.#admit(request, reply, connections, verdict);
    else verdict.then((settled) => this.#admit(request, reply, connections, settled), (reason: unknown) => this.#admit(request, reply, connections, toWeftError(reason)));
  }

  /** Runs an authenticated request, or answers why it is refused (401 with a challenge, 403, 503). */
  #admit(request: FastifyRequest, reply: FastifyReply, connections: Connections, verdict: Verdict): void {
    if (!(verdict instanceof WeftError)) {
      this.#run(request, reply, connections, verdict);
      return;
    }
    if (verdict.code === 'ERR_AUTH_REQUIRED') reply.header('www-authenticate', challenge(verdict, request.headers.authorization !== undefined));
    writeError(reply, verdict);
  }

  #run(request: FastifyRequest, reply: FastifyReply, connections: Connections, principal: Principal | undefined): void {
    const process = this.#context.processes.spawn();
    const span = startRequestSpan(process, request.raw, request.protocol, this.#owner);
    connections.begin(request.raw.socket, process);
    // Under its span (when traced) the request's work and its reply see the span as active: log lines carry it.
    if (span === undefined) this.#execute(process, request, reply, connections, principal, span);
    else withSpan(span, () => this.#execute(process, request, reply, connections, principal, span));
  }

  #execute(process: Process, request: FastifyRequest, reply: FastifyReply, connections: Connections, principal: Principal | undefined, span: Span | undefined): void {
    const body = this.#body(request);
    let result: Reply;
    try {
      result = this.#dispatch(process, request, body, principal);
    } catch (thrown) {
      result = new Packet(toWeftError(thrown));
    }
    if (result instanceof Packet) {
      this.#answer(process, request, reply, connections, body, result, span);
      return;
    }
    result.then(
      (packet) => this.#answer(process, request, reply, connections, body, packet, span),
      (reason: unknown) => this.#answer(process, request, reply, connections, body, new Packet(toWeftError(reason)), span),
    );
  }

  /**
   * Runs an upgrade request (a WebSocket handshake) as a root process like any other request,
   * with an HttpTakeover in its data under HTTP_TAKEOVER: a node that claims it (the upgrader)
   * owns the socket from then on; otherwise the reply is written on the raw socket, which is
   * then closed (RequestHandler).
   */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, connections: Connections): void {
    // Node no longer listens for errors on an upgraded socket: one would crash the engine.
    socket.on('error', ignore);
    if (this.#closed || !this.#context.processes.admitting) {
      writeRawError(socket, SHUTTING_DOWN);
      return;
    }
    const admission = this.#context.processes.admit();
    if (admission !== true) {
      this.#hold(admission, () => socket.destroyed, (node) => node.upgrade(request, socket, head, connections), (error) => writeRawError(socket, error, retryAfter(error)));
      return;
    }
    if (this.#hosts !== undefined && !this.#hosts.allows(request.headers.host)) {
      writeRawError(socket, new WeftError('ERR_HTTP_HOST_NOT_ALLOWED', { host: printable(request.headers.host ?? '') }));
      return;
    }
    if (this.#auth === undefined) {
      this.#takeOver(request, socket, head, connections, undefined);
      return;
    }
    // A browser cannot set headers on a WebSocket handshake: ?access_token= stands in for Authorization.
    const verdict = this.#auth.check(request.method ?? 'GET', request.headers.authorization ?? accessToken(request.url));
    const admit = (settled: Verdict): void => {
      if (!(settled instanceof WeftError)) this.#takeOver(request, socket, head, connections, settled);
      else writeRawError(socket, settled);
    };
    if (verdict instanceof Promise) verdict.then(admit, (reason: unknown) => admit(toWeftError(reason)));
    else admit(verdict);
  }

  #takeOver(request: IncomingMessage, socket: Duplex, head: Buffer, connections: Connections, principal: Principal | undefined): void {
    const process = this.#context.processes.spawn();
    const span = startRequestSpan(process, request, this.secure ? 'https' : 'http', this.#owner);
    if (span === undefined) this.#runUpgrade(process, request, socket, head, connections, principal, span);
    else withSpan(span, () => this.#runUpgrade(process, request, socket, head, connections, principal, span));
  }

  #runUpgrade(process: Process, request: IncomingMessage, socket: Duplex, head: Buffer, connections: Connections, principal: Principal | undefined, span: Span | undefined): void {
    const takeover = new UpgradeTakeover(request, socket, head);
    process.data.set(HTTP_TAKEOVER, takeover);
    let result: Reply;
    try {
      const payload = upgradePayload(request);
      result = this.emit(process, new Packet(principal === undefined ? payload : { ...payload, auth: authView(principal) }));
    } catch (thrown) {
      result = new Packet(toWeftError(thrown));
    }
    const answer = (packet: Packet): void => {
      if (takeover.release !== undefined) {
        connections.takeOver(socket as Socket, takeover.release);
        if (span !== undefined) endRequestSpan(span, 101, undefined);
        void process.finish();
        return;
      }
      const status = writeRawReply(socket, packet);
      if (status === 500 && packet.payload instanceof Error) this.#failures.failed({ method: request.method ?? 'GET', url: request.url ?? '/' }, packet.payload);
      if (span !== undefined) endRequestSpan(span, status, packet.payload instanceof Error ? packet.payload : undefined);
      void process.finish(status >= 400 ? new Error(STATUS_CODES[status] ?? `HTTP ${status}`) : undefined);
    };
    if (result instanceof Packet) answer(result);
    else result.then(answer, (reason: unknown) => answer(new Packet(toWeftError(reason))));
  }

  /**
   * Waits while a paused namespace holds the work in its backlog, then hands it again to the
   * node that answers now (this one, or the replacement a reload made), or `refuse`s it (backlog
   * full, shutting down). A client that left meanwhile (`gone`) gets nothing.
   */
  #hold(admission: Held, gone: () => boolean, again: (node: ListenerNode) => void, refuse: (error: WeftError) => void): void {
    if (admission instanceof WeftError) {
      refuse(admission);
      return;
    }
    admission.then((later) => {
      if (gone()) return;
      const current = this.#current();
      if (later !== true) refuse(later);
      else if (current === undefined) refuse(SHUTTING_DOWN);
      else again(current);
    }, (reason: unknown) => refuse(toWeftError(reason)));
  }

  /** The node that now answers for this one's server (itself, or the replacement a reload made), undefined once none does. */
  #current(): ListenerNode | undefined {
    if (!this.#closed) return this;
    const successor = this.#successor;
    return successor === undefined ? undefined : successor.#current();
  }

  /** Ends the process of a request whose client went away (RequestHandler); its work stops. */
  clientClosed(process: Process): void {
    this.#logger.debug('client closed the connection before the reply');
    void process.exit(new WeftError('ERR_CLIENT_CLOSED', { node: this.name }));
  }

  async #listen(server: HttpServer): Promise<void> {
    const predecessor = this.#predecessor;
    try {
      await server.listen();
    } catch (thrown) {
      if (predecessor === undefined || !predecessor.listening || !addressInUse(thrown)) throw thrown;
      await predecessor.pause();
      try {
        await server.listen();
      } catch (again) {
        await predecessor.resume().catch(() => undefined);
        throw again;
      }
    }
    this.#predecessor = undefined;
  }

  /**
   * Sends the request map to `out`. Its body stays undecoded when `out` leads to routers only
   * (each decodes what it routes); for any other node it is decoded now, and a body that does
   * not decode goes to `error` instead.
   */
  #dispatch(process: Process, request: FastifyRequest, body: LazyBody | null, principal: Principal | undefined): Reply {
    if (body === null || takesLazyBodies(this.outPort)) return this.emit(process, new Packet(requestPayload(request, body, principal)));
    try {
      body.value();
    } catch (thrown) {
      return this.fail(process, new Packet(toWeftError(thrown)));
    }
    return this.emit(process, new Packet({ ...requestPayload(request, body, principal) }));
  }

  /** The request's body, decoded at its first read within the limits; null when it has none. */
  #body(request: FastifyRequest): LazyBody | null {
    const data = request.body as Buffer | undefined;
    if (data === undefined || data.length === 0) return null;
    const { 'content-type': type, 'content-encoding': encoding } = request.headers;
    const limit = this.limits.bodySize;
    return new LazyBody(() => decodeBody(data, type, encoding, limit));
  }

  #answer(process: Process, request: FastifyRequest, reply: FastifyReply, connections: Connections, body: LazyBody | null, packet: Packet, span: Span | undefined): void {
    connections.end(request.raw.socket, process);
    if (request.raw.socket.destroyed) {
      // The client is gone: nobody reads this reply (clientClosed ended the process).
      const gone = new WeftError('ERR_CLIENT_CLOSED', { node: this.name });
      if (span !== undefined) endRequestSpan(span, 499, gone);
      void process.exit(gone);
      return;
    }
    if (connections.closing) reply.header('connection', 'close');
    // A body that could not be read fails the request as the client's error (400, 413), however the workflow wrapped it.
    const answered = body?.failure !== undefined && failed(packet) ? new Packet(body.failure) : packet;
    let status: number;
    let problem = answered.payload instanceof Error ? answered.payload : undefined;
    try {
      status = writeReply(reply, answered, request.headers.accept, this.name);
    } catch (thrown) {
      problem = body?.failure ?? toWeftError(thrown);
      status = writeFailure(reply, problem);
    }
    if (status === 500 && problem !== undefined) this.#failures.failed(request, problem);
    if (span !== undefined) endRequestSpan(span, status, problem);
    void process.finish(status >= 400 ? new Error(STATUS_CODES[status] ?? `HTTP ${status}`) : undefined);
  }
}

/** True for a reply that reports a failure: an error, or a response map with a 5xx status. */
function failed(packet: Packet): boolean {
  const value = packet.payload;
  return value instanceof Error || (isHttpResponse(value) && value.status >= 500);
}

/** Answers a request the process group did not admit: backlog full (503, Retry-After) or shutting down (503, connection closed). */
function refuse(reply: FastifyReply, error: WeftError): void {
  if (error.code === 'ERR_BACKLOG_FULL') reply.header('retry-after', BACKLOG_RETRY_AFTER_S);
  else reply.header('connection', 'close');
  writeError(reply, error);
}

/** The Retry-After header of an upgrade request the process group did not admit (none when shutting down). */
function retryAfter(error: WeftError): Readonly<Record<string, string>> | undefined {
  return error.code === 'ERR_BACKLOG_FULL' ? { 'Retry-After': BACKLOG_RETRY_AFTER_S } : undefined;
}

function ignore(): void {
  // Errors of a socket handed to an upgrade surface as its close.
}

function addressInUse(thrown: unknown): boolean {
  return (thrown as { cause?: { code?: unknown } } | undefined)?.cause?.code === 'EADDRINUSE';
}

/** The `access_token` query parameter of an upgrade URL, as a bearer credential. */
function accessToken(url: string | undefined): string | undefined {
  const question = url?.indexOf('?') ?? -1;
  if (question === -1) return undefined;
  const token = new URLSearchParams(url!.slice(question + 1)).get('access_token');
  return token === null || token === '' ? undefined : `Bearer ${token}`;
}

/** A client-given string as it may appear in a message: control characters escaped, at most 100 characters. */
function printable(text: string): string {
  return JSON.stringify(text.slice(0, 100)).slice(1, -1);
}

/** The ports of an HTTP listener. */
const HTTP_PORTS = { in: [], out: ['out', 'error'] };

/**
 * `listener`: an HTTP server whose requests start workflows (uniflow §9.4), or with
 * `protocol: grpc` a gRPC server whose calls do (another node class, built in grpc/: the two
 * share the address fields and nothing of the request handling).
 */
export const definition = defineKind({
  kind,
  description: 'Serves HTTP: each request goes to out as {method, host, path, query, protocol, header, body}; the reply is the response. With protocol grpc, serves the methods of a .proto file, each call to its port Service-Method.',
  schema,
  ports: (spec) => (spec.protocol === 'grpc' ? { in: [], out: grpcPorts(spec) } : HTTP_PORTS),
  validate: (spec) => [...grpcFieldProblems(spec), ...limitsProblems(spec.limits), ...corsProblems(spec.cors), ...rateLimitProblems(spec.rateLimit), ...authProblems(spec.auth)],
  // A gRPC listener links its methods' ports, not out.
  warnings: (spec) => (spec.protocol === 'grpc' || (spec.links?.out ?? []).length > 0 ? [] : [{
    path: 'links.out',
    code: 'ERR_LISTENER_UNROUTED',
    message: 'the listener links nothing (usually a router) to out, so no workflow answers its requests',
  }]),
  codec: (spec, context) => {
    const name = spec.name ?? spec.id ?? kind;
    const policy = context.network;
    // Loopback unless told otherwise, as fastify does: serving the network is a decision (host: 0.0.0.0 in a container).
    const host = spec.host ?? '127.0.0.1';
    if (policy?.bind === 'loopback' && !isLoopbackAddress(host)) throw new WeftError('ERR_LISTEN_NOT_ALLOWED', { node: name, host });
    if (spec.protocol === 'grpc') return grpcListener(spec, context, name, host);
    const hosts = policy === undefined ? undefined : new HostNames(policy.allowedHosts);
    const tls = spec.tls === undefined ? undefined : { spec: spec.tls, material: readTlsMaterial(spec.tls) };
    const auth = ListenerAuth.of(spec.auth, context, name);
    return new ListenerNode({ protocol: 'http', host, port: spec.port, context, name, limits: resolveLimits(spec.limits), hosts, cors: spec.cors, rateLimit: spec.rateLimit, tls, auth });
  },
});

import type { ServerDuplexStream, ServerReadableStream, ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import {
  OutPort, Packet, toWeftError, WeftError,
  type CodecContext, type InPort, type Logger, type Node, type Process, type Reply,
} from '../../../src/index.ts';
import { withSpan } from '../../_shared/trace/process-span.ts';
import { FailureLog } from '../listener/failure-log.ts';
import { endCallSpan, startCallSpan } from './call-span.ts';
import { serveBidi, serveClientStream, serveServerStream, serveUnary, type CallScope } from './grpc-calls.ts';
import { GrpcServer, type GrpcAddress, type GrpcCallHandler } from './grpc-server.ts';
import { grpcStatusOf, statusOfError } from './grpc-status.ts';
import { displacedPort, type HeldPort, type PortHolder } from './port-holder.ts';
import type { GrpcMethod } from './proto-file.ts';
import { registerListenerHealth } from '../listener/listener-health.ts';

/** What a GrpcListenerNode serves: an address, the linked methods of its .proto file, the runtime's services. */
export interface GrpcListenerOptions {
  readonly host: string;
  readonly port: number;
  /** The methods served: those whose port is linked (the others answer UNIMPLEMENTED). */
  readonly methods: readonly GrpcMethod[];
  readonly context: CodecContext;
  readonly name: string;
}

const SHUTTING_DOWN = new WeftError('ERR_SHUTTING_DOWN');

/**
 * A `listener` with `protocol: grpc`: serves the methods of a .proto file (grpc-js), each call
 * a root process on the method's out-port (`Service-Method`; see grpc-calls.ts for the four call
 * shapes); an error reply goes on to `error` when that is linked, and an error that stays the
 * reply answers with the gRPC status of its category. A replacement on the same host and port
 * `adopt`s the server: the socket stays bound and the new method set is swapped in at once.
 */
export class GrpcListenerNode implements Node, GrpcCallHandler, PortHolder {
  readonly protocol = 'grpc';
  readonly host: string;
  readonly configuredPort: number;
  readonly name: string;
  readonly errorPort = new OutPort('error');
  readonly #ports = new Map<string, OutPort>();
  readonly #methods: readonly GrpcMethod[];
  readonly #context: CodecContext;
  readonly #logger: Logger;
  readonly #failures: FailureLog;
  #server: GrpcServer | undefined;
  /** The server of the node this one replaces on the same port but another host or protocol: paused if it holds the port. */
  #predecessor: HeldPort | undefined;
  #unregister: (() => void) | undefined;
  #closed = false;
  #successor: GrpcListenerNode | undefined;

  constructor(options: GrpcListenerOptions) {
    this.host = options.host;
    this.configuredPort = options.port;
    this.name = options.name;
    this.#methods = options.methods;
    this.#context = options.context;
    this.#logger = options.context.logger.child({ kind: 'listener', node: this.name, protocol: 'grpc' });
    this.#failures = new FailureLog(this.#logger);
    for (const method of options.methods) this.#ports.set(method.port, new OutPort(method.port));
  }

  in(_name: string): InPort | undefined {
    return undefined;
  }

  out(name: string): OutPort | undefined {
    return name === 'error' ? this.errorPort : this.#ports.get(name);
  }

  /** The bound port, or undefined when not listening. */
  get port(): number | undefined {
    return this.#server?.address()?.port;
  }

  address(): GrpcAddress | undefined {
    return this.#server?.address();
  }

  /** Serves this node's methods and listens (idempotent); ERR_LISTEN_FAILED on failure. */
  async activate(): Promise<void> {
    if (this.#closed) throw new WeftError('ERR_NODE_CLOSED', { node: `listener ${this.host}:${this.configuredPort}` });
    const server = (this.#server ??= new GrpcServer({ host: this.host, port: this.configuredPort, owner: this }));
    server.owner = this;
    server.serve(this.#methods);
    const bound = server.listening;
    try {
      await server.listen();
    } catch (thrown) {
      const predecessor = this.#predecessor;
      if (predecessor === undefined || !predecessor.listening || !/EADDRINUSE|address already in use/i.test(String((thrown as Error).message))) throw thrown;
      await predecessor.pause();
      try {
        await server.listen();
      } catch (again) {
        await predecessor.resume().catch(() => undefined);
        throw again;
      }
    }
    this.#predecessor = undefined;
    if (!bound) this.#logger.info({ address: `${this.host}:${this.port}`, methods: this.#methods.map((method) => method.path) }, 'listening (gRPC)');
    this.#unregister?.();
    this.#unregister = registerListenerHealth(this.#context, this.name, server, `${this.host}:${this.configuredPort}`);
  }

  async deactivate(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
    const server = this.#server;
    this.#server = undefined;
    this.#predecessor = undefined;
    await server?.close();
  }

  /** The port this node's server holds, for an HTTP listener replacing it (PortHolder): pausing closes the server for good. */
  heldPort(): HeldPort | undefined {
    const server = this.#server;
    if (server === undefined) return undefined;
    return { get listening() { return server.listening; }, pause: () => server.close(), resume: async () => undefined };
  }

  /**
   * Takes over the server of a gRPC listener on the same host and port (see Node.adopt); on the
   * same fixed port with another host, or an HTTP listener's, notes the old server instead:
   * `activate` pauses it if the port is taken.
   */
  adopt(previous: Node): void {
    if (previous === this || this.#server !== undefined) return;
    if (!(previous instanceof GrpcListenerNode)) {
      this.#predecessor = displacedPort(previous, this);
      return;
    }
    const server = previous.#server;
    if (server === undefined || !server.listening || previous.configuredPort !== this.configuredPort) return;
    if (previous.host !== this.host) {
      if (this.configuredPort !== 0) this.#predecessor = { get listening() { return server.listening; }, pause: () => server.close(), resume: async () => undefined };
      return;
    }
    previous.#server = undefined;
    previous.#successor = this;
    this.#server = server;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.deactivate();
  }

  /** Serves one call (GrpcCallHandler), by the method's shape. */
  handle(method: GrpcMethod, call: unknown, callback?: unknown): void {
    const run = (payload: unknown, scope: CallScope): Promise<Packet> => this.#run(method, payload, scope);
    switch (method.shape) {
      case 'unary': return serveUnary(call as ServerUnaryCall<object, object>, callback as sendUnaryData<object>, run);
      case 'client-stream': return serveClientStream(call as ServerReadableStream<object, object>, callback as sendUnaryData<object>, run);
      case 'server-stream': return serveServerStream(call as ServerWritableStream<object, object>, run);
      case 'bidi': return serveBidi(call as ServerDuplexStream<object, object>, run);
    }
  }

  /** Admits, then runs one root process on the method's port (on the node answering now, after a wait in a paused backlog). */
  async #run(method: GrpcMethod, payload: unknown, scope: CallScope): Promise<Packet> {
    const processes = this.#context.processes;
    if (this.#closed || !processes.admitting) return new Packet(SHUTTING_DOWN);
    const admission = processes.admit();
    if (admission !== true) {
      const later = await admission;
      if (later !== true) return new Packet(later);
      const current = this.#current();
      if (current !== this) return current === undefined ? new Packet(SHUTTING_DOWN) : current.#run(method, payload, scope);
    }
    const port = this.#ports.get(method.port);
    if (port === undefined) return new Packet(new WeftError('ERR_GRPC_METHOD_GONE', { node: this.name, method: method.path }));
    const process = processes.spawn();
    const span = startCallSpan(process, method, scope.metadata, { namespace: this.#context.namespace, node: this.name });
    const forget = scope.track(() => void process.exit(new WeftError('ERR_CLIENT_CLOSED', { node: this.name })));
    let packet: Packet;
    try {
      // Under its span (when traced) the work sees the span as active: log lines carry it.
      const reply = span === undefined ? this.#emit(process, port, new Packet(payload)) : withSpan(span, () => this.#emit(process, port, new Packet(payload)));
      packet = reply instanceof Packet ? reply : await reply;
    } catch (thrown) {
      packet = new Packet(toWeftError(thrown));
    }
    forget();
    const failure = packet.payload instanceof Error ? packet.payload : undefined;
    const status = failure === undefined ? 0 : statusOfError(failure).code!;
    if (failure !== undefined && status === grpcStatusOf.internal) this.#failures.failed({ method: 'POST', url: method.path }, failure);
    if (span !== undefined) endCallSpan(span, status, failure);
    void process.finish(failure);
    return packet;
  }

  /** Writes to the method's port, then routes an error reply to `error` when that is linked. */
  #emit(process: Process, port: OutPort, packet: Packet): Reply {
    const reply = port.write(process, packet);
    if (reply instanceof Packet) return reply.payload instanceof Error ? this.#fail(process, reply) : reply;
    return reply.then((settled) => (settled.payload instanceof Error ? this.#fail(process, settled) : settled));
  }

  #fail(process: Process, error: Packet): Reply {
    return this.errorPort.links.length === 0 ? error : this.errorPort.write(process, error);
  }

  #current(): GrpcListenerNode | undefined {
    if (!this.#closed) return this;
    const successor = this.#successor;
    return successor === undefined ? undefined : successor.#current();
  }
}

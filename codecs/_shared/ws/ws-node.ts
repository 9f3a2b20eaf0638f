import type { Span, SpanContext } from '@opentelemetry/api';
import type WebSocket from 'ws';
import {
  InPort, OutPort, Packet, Process, WeftError,
  type CodecContext, type Logger, type Node, type Reply,
} from '../../../src/index.ts';
import { CLOSE, incoming, OPEN, type ConnectionEvent } from './frame.ts';
import { WsConnection, type ConnectionLimits } from './ws-connection.ts';
import { wsRuntime, type WsRuntime } from './ws-runtime.ts';
import { activeTracer } from '../trace/active-tracer.ts';
import { endProcessSpan, processSpanOf, startProcessSpan, withSpan } from '../trace/process-span.ts';

/**
 * The process data key of the connection a process runs under: set on the connection's
 * process (read through by its frames' child processes) and on the process that opened it.
 */
export const WS_CONNECTION: unique symbol = Symbol('weft.ws.connection');

/** The process data key of the span context of the request that opened a connection (frames link to it). */
const OPENED_BY = Symbol('weft.ws.openedBy');

/**
 * The ports of the WebSocket kinds (`upgrader`, `websocket`): `io` opens a connection
 * (subclasses implement `open`), `in` sends a frame on the connection of the current process,
 * `out` gets `{type: 0}` when a connection opens, each received frame as `{type, data,
 * connection}` in a child process of the connection's process, and `{type: 8, data: {code,
 * reason}}` when it closes; then the connection's process exits. Replies on `out` are not sent
 * anywhere (link a node to `in` to answer); an error reply goes to `error` when it is linked.
 */
export abstract class WsNode implements Node {
  readonly ioPort: InPort;
  readonly inPort: InPort;
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');
  readonly name: string;
  readonly runtime: WsRuntime;
  protected readonly logger: Logger;
  /** The connections this node opened and that are still open. */
  protected readonly connections = new Set<WsConnection>();
  #closing: Promise<void> | undefined;
  /** Namespace and kind, as frame spans name them. */
  readonly #owner: { readonly namespace: string; readonly kind: string };
  readonly #processes: CodecContext['processes'];

  constructor(name: string, kindName: string, context: CodecContext) {
    this.name = name;
    this.#owner = { namespace: context.namespace, kind: kindName };
    this.#processes = context.processes;
    this.runtime = wsRuntime(context);
    this.logger = context.logger.child({ kind: kindName, node: name });
    this.ioPort = new InPort('io', (process, packet) => this.open(process, packet));
    this.inPort = new InPort('in', (process, packet) => this.#send(process, packet));
  }

  in(name: string): InPort | undefined {
    if (name === 'io') return this.ioPort;
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  /** How many connections this node holds open. */
  get size(): number {
    return this.connections.size;
  }

  /** Opens a connection for `process` (the `io` port). */
  protected abstract open(process: Process, packet: Packet): Reply;

  /**
   * Adopts an open socket: makes its connection process, registers it with the engine and
   * sends the open event on `out`. The connection process ends when the socket closes. It is a
   * new root process outside the runtime's request drain, or with `tied` a child of `opened`
   * (the process that called `io`): that process then lives until the connection closes, and
   * ending it closes the connection (1000). `opened` sees the connection in its data either way.
   */
  protected attach(socket: WebSocket, limits: ConnectionLimits, opened: Process, open: Readonly<Record<string, unknown>>, tied = false, params?: Readonly<Record<string, string>>): WsConnection {
    const process = tied ? opened.fork() : new Process();
    // Frames link to the request that opened the connection (the connection process is often a new root).
    if (activeTracer() !== undefined) {
      const openedBy = processSpanOf(opened);
      if (openedBy !== undefined) process.data.set(OPENED_BY, openedBy.spanContext());
    }
    const connection = new WsConnection(socket, process, limits, {
      message: (from, data, isBinary) => this.#deliver(from, incoming(data, isBinary, from.id, from.params)),
      closed: (from, code, reason) => this.#closed(from, code, reason),
    }, this.logger);
    connection.params = params;
    // While the namespace is paused, no frame is read (the peer's frames wait in TCP buffers).
    if (this.#processes.paused) socket.pause();
    const offPause = this.#processes.onPauseChange((paused) => (paused ? socket.pause() : socket.resume()));
    void connection.done.then(offPause);
    process.data.set(WS_CONNECTION, connection);
    opened.data.set(WS_CONNECTION, connection);
    this.connections.add(connection);
    this.runtime.add(connection);
    if (tied) {
      process.onExit(() => {
        connection.close(1000, '');
        return connection.done;
      });
    }
    this.#deliver(connection, withParams({ type: OPEN, data: open, connection: connection.id }, params));
    return connection;
  }

  /** Closes every connection with `code` and waits (bounded by their close timeout) until they are gone. */
  protected closeAll(code: number, reason: string): Promise<void> {
    const closing = [...this.connections].map((connection) => new Promise<void>((resolve) => {
      connection.process.onExit(() => resolve());
      connection.close(code, reason);
    }));
    return Promise.all(closing).then(() => undefined);
  }

  /** Stops taking packets and closes the connections (1001 unless a subclass says otherwise). */
  close(): Promise<void> {
    return (this.#closing ??= this.shutdown());
  }

  protected async shutdown(): Promise<void> {
    this.ioPort.close();
    await this.closeAll(1001, 'going away');
    this.inPort.close();
  }

  /** Sends the payload as a frame on the connection of the process or its nearest ancestor. */
  #send(process: Process, packet: Packet): Packet {
    const connection = process.data.get(WS_CONNECTION) as WsConnection | undefined;
    if (connection === undefined) return new Packet(new WeftError('ERR_WS_NO_CONNECTION', { node: this.name }));
    const result = connection.send(packet.payload);
    return result === 'closed' ? new Packet(new WeftError('ERR_WS_CLOSED', { connection: connection.id })) : Packet.None;
  }

  /** Runs one event of a connection in a child of its process, on `out`. */
  #deliver(connection: WsConnection, payload: unknown): Promise<void> {
    // The close event of a connection whose process was ended (its caller exited) runs on its own.
    const child = connection.process.state === 'exited' ? new Process() : connection.process.fork();
    const span = activeTracer() === undefined ? undefined : this.#frameSpan(connection, child, payload);
    let reply: Reply;
    try {
      reply = span === undefined ? this.outPort.write(child, new Packet(payload)) : withSpan(span, () => this.outPort.write(child, new Packet(payload)));
    } catch (thrown) {
      reply = new Packet(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
    if (reply instanceof Packet) return this.#settle(child, reply, span);
    return reply.then((settled) => this.#settle(child, settled, span), (reason: unknown) => this.#settle(child, new Packet(reason instanceof Error ? reason : new Error(String(reason))), span));
  }

  /** A frame's own trace (frames of a long connection are separate units of work), linked to the span of the request that opened it. */
  #frameSpan(connection: WsConnection, child: Process, payload: unknown): Span | undefined {
    const opened = connection.process.data.get(OPENED_BY) as SpanContext | undefined;
    const type = (payload as { type?: unknown } | null)?.type;
    return startProcessSpan(child, {
      name: `websocket ${this.name}`,
      kind: 'consumer',
      links: opened === undefined ? undefined : [{ context: opened }],
      attributes: { 'weft.namespace': this.#owner.namespace, 'weft.node': this.name, 'weft.kind': this.#owner.kind, 'weft.process': child.id, 'weft.connection': connection.id, 'websocket.frame.type': typeof type === 'number' ? type : -1 },
    });
  }

  #settle(child: Process, reply: Packet, span: Span | undefined): Promise<void> {
    if (span !== undefined) endProcessSpan(span, reply.payload instanceof Error ? reply.payload : undefined);
    if (reply.payload instanceof Error) {
      if (this.errorPort.links.length > 0) {
        const handled = this.errorPort.write(child, reply);
        if (!(handled instanceof Packet)) return handled.then(() => child.finish(), () => child.finish());
      } else this.logger.debug({ err: reply.payload }, 'websocket frame failed');
    }
    return child.finish();
  }

  #closed(connection: WsConnection, code: number, reason: string): void {
    this.connections.delete(connection);
    this.runtime.remove(connection);
    const data = connection.dropped === 0 ? { code, reason } : { code, reason, dropped: connection.dropped };
    void this.#deliver(connection, withParams({ type: CLOSE, data, connection: connection.id }, connection.params))
      .finally(() => connection.process.exit());
  }
}

function withParams(event: ConnectionEvent, params: Readonly<Record<string, string>> | undefined): ConnectionEvent {
  return params === undefined ? event : { ...event, params };
}

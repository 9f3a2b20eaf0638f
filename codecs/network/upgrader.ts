import { Type } from '@sinclair/typebox';
import type { WebSocketServer } from 'ws';
import { defineKind, Packet, WeftError, type CodecContext, type Node, type Problem, type Process, type Reply } from '../../src/index.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { HTTP_TAKEOVER, type HttpTakeover } from '../_shared/http/takeover.ts';
import { CLOSE_GOING_AWAY, CLOSE_RESTART, type ConnectionLimits } from '../_shared/ws/ws-connection.ts';
import { wsLibrary } from '../_shared/ws/ws-library.ts';
import { WsNode } from '../_shared/ws/ws-node.ts';

/** The kind name; `gateway` (uniflow's older name) is registered too. */
export const kind = 'upgrader';

/** The upgrader's own spec fields. */
export const schema = Type.Object({
  timeout: Type.Optional(durationSchema('How long a close handshake may take before the socket is dropped; default 5s.')),
  maxPayload: Type.Optional(Type.Integer({ minimum: 1, description: 'The largest message (frame or reassembled message) accepted, in bytes; a larger one closes the connection with 1009. Default 1048576 (1 MiB).' })),
  sendBuffer: Type.Optional(Type.Integer({ minimum: 1, description: 'The most bytes that may wait to be sent on one connection; a frame past it closes the connection with 1008 and is dropped. Default 4194304 (4 MiB).' })),
  ping: Type.Optional(durationSchema('Keep-alive ping interval; a peer that has not answered the previous ping by the next one is dropped (1006). 0 turns pings off. Default 30s.')),
  cluster: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'A redis:// URL shared by the engines that serve these connections: send and room broadcasts reach connections held by the other engines.' })),
  protocol: Type.Optional(Type.Literal('websocket', { description: 'uniflow’s gateway field; only "websocket".' })),
});

type UpgraderSpec = { timeout?: string | number; maxPayload?: number; sendBuffer?: number; ping?: string | number; cluster?: string };

/** Options of an UpgraderNode, with defaults filled in. */
export interface UpgraderOptions extends ConnectionLimits {
  readonly name: string;
  readonly maxPayload: number;
  readonly cluster?: string;
  readonly context: CodecContext;
}

const DEFAULTS = { closeTimeoutMs: 5000, maxPayload: 1 << 20, sendBuffer: 4 << 20, pingMs: 30_000 } as const;

/**
 * Upgrades the HTTP request of the current process to a WebSocket (`io`, linked from a
 * listener route): takes the listener's HttpTakeover, completes the handshake with `ws` and
 * answers None, so the listener writes nothing. Each connection is a process of its own (see
 * WsNode). Reload: a replacement spec closes the old node's connections with 1012 (service
 * restart) once the old node is retired, so clients reconnect to the new one; deleting the spec
 * closes them with 1001; the listener's server closing closes them with 1001.
 */
export class UpgraderNode extends WsNode {
  readonly limits: ConnectionLimits;
  readonly cluster: string | undefined;
  readonly #server: WebSocketServer;
  #replaced = false;
  #activated = false;

  constructor(options: UpgraderOptions) {
    super(options.name, kind, options.context);
    this.limits = { closeTimeoutMs: options.closeTimeoutMs, sendBuffer: options.sendBuffer, pingMs: options.pingMs };
    this.cluster = options.cluster;
    this.#server = new (wsLibrary().WebSocketServer)({ noServer: true, maxPayload: options.maxPayload, clientTracking: false, perMessageDeflate: false });
  }

  async activate(): Promise<void> {
    if (this.#activated || this.cluster === undefined) return;
    await this.runtime.acquireBus(this.cluster);
    this.#activated = true;
  }

  async deactivate(): Promise<void> {
    if (!this.#activated || this.cluster === undefined) return;
    this.#activated = false;
    await this.runtime.releaseBus(this.cluster);
  }

  /** Notes that a new node replaces this one: its connections will close with 1012, not 1001. */
  adopt(previous: Node): void {
    if (previous instanceof UpgraderNode && previous !== this) previous.#replaced = true;
  }

  protected open(process: Process, packet: Packet): Reply {
    const takeover = process.data.take(HTTP_TAKEOVER) as HttpTakeover | undefined;
    if (takeover === undefined) return this.#fail(process, new WeftError('ERR_WS_NOT_UPGRADE', { node: this.name }));
    const { request, socket, head } = takeover;
    const path = pick(packet.payload, 'path') ?? request.url?.split('?')[0] ?? '/';
    return new Promise<Packet>((resolve) => {
      const refused = (error: Error): void => resolve(this.#fail(process, new WeftError('ERR_WS_HANDSHAKE', { reason: error.message }, { cause: error })));
      if (request.headers.upgrade?.toLowerCase() !== 'websocket' || request.headers['sec-websocket-key'] === undefined) {
        refused(new Error('not a WebSocket upgrade request'));
        return;
      }
      let connectionRelease: (() => void) | undefined;
      takeover.claim(() => connectionRelease?.());
      this.#server.handleUpgrade(request, socket, head, (socket) => {
        // Carried on every event; none when the route has none (one object fewer per frame for CEL to read).
        const given = pick(packet.payload, 'params') as Readonly<Record<string, string>> | undefined;
        const params = given !== undefined && Object.keys(given).length > 0 ? given : undefined;
        const connection = this.attach(socket, this.limits, process, {
          path, query: pick(packet.payload, 'query') ?? {}, header: pick(packet.payload, 'header') ?? {},
        }, false, params);
        connectionRelease = () => connection.close(CLOSE_GOING_AWAY, 'server closing');
        resolve(Packet.None);
      });
      // ws answers a bad handshake (400) itself and calls back never: the socket is then gone.
      if (socket.destroyed || !socket.writable) refused(new Error('the handshake was refused'));
    });
  }

  protected override async shutdown(): Promise<void> {
    this.ioPort.close();
    await (this.#replaced ? this.closeAll(CLOSE_RESTART, 'service restart') : this.closeAll(CLOSE_GOING_AWAY, 'going away'));
    this.inPort.close();
    await this.deactivate();
  }

  #fail(process: Process, error: WeftError): Reply {
    const packet = new Packet(error);
    return this.errorPort.links.length === 0 ? packet : this.errorPort.write(process, packet);
  }
}

/** A field of the request map on `io` (a workflow may have reshaped it: absent fields fall back). */
function pick(payload: unknown, key: 'path'): string | undefined;
function pick(payload: unknown, key: 'query' | 'header' | 'params'): Readonly<Record<string, unknown>> | undefined;
function pick(payload: unknown, key: string): unknown {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>)[key];
  if (key === 'path') return typeof value === 'string' ? value : undefined;
  return typeof value === 'object' && value !== null ? value : undefined;
}

function validate(spec: UpgraderSpec): Problem[] {
  const problems: Problem[] = [];
  if (spec.timeout !== undefined && durationMs(spec.timeout) <= 0) problems.push({ path: 'timeout', code: 'ERR_SPEC_INVALID', message: 'must be longer than 0' });
  return problems;
}

/** The options an upgrader spec compiles to. */
export function upgraderOptions(spec: UpgraderSpec & { name?: string; id?: string }, context: CodecContext): UpgraderOptions {
  return {
    name: spec.name ?? spec.id ?? kind,
    context,
    closeTimeoutMs: spec.timeout === undefined ? DEFAULTS.closeTimeoutMs : durationMs(spec.timeout),
    maxPayload: spec.maxPayload ?? DEFAULTS.maxPayload,
    sendBuffer: spec.sendBuffer ?? DEFAULTS.sendBuffer,
    pingMs: spec.ping === undefined ? DEFAULTS.pingMs : durationMs(spec.ping),
    ...(spec.cluster === undefined ? {} : { cluster: spec.cluster }),
  };
}

const description = 'Upgrades the HTTP request on io to a WebSocket; each connection is a process whose frames go to out as {type, data, connection}; in sends a frame.';
const ports = { in: ['io', 'in'], out: ['out', 'error'] };

/** `upgrader`: the server side of WebSockets (uniflow §9.4 gateway). */
export const definition = defineKind({
  kind, description, schema, ports, validate,
  codec: (spec, context) => new UpgraderNode(upgraderOptions(spec, context)),
});

/** `gateway`: uniflow's older name of `upgrader`. */
export const gatewayDefinition = defineKind({
  kind: 'gateway', description, schema, ports, validate,
  codec: (spec, context) => new UpgraderNode(upgraderOptions(spec, context)),
});

import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type CodecContext } from '../../src/index.ts';
import { wsRuntime, type WsRuntime } from '../_shared/ws/ws-runtime.ts';

/** The kind name. */
export const kind = 'send';

/** The send node's own spec fields. */
export const schema = Type.Object({
  cluster: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'A redis:// URL: messages for connections other engines hold go there. Default: the cluster of this engine’s upgraders, if any.' })),
});

/**
 * Delivers to WebSocket connections held by this engine, from any workflow (by connection id,
 * or to a room), and manages rooms. With a cluster bus, what this engine cannot deliver itself
 * is published for the engine that holds the connection.
 */
export class SendNode extends OneToOneNode {
  readonly cluster: string | undefined;
  readonly #runtime: WsRuntime;
  #activated = false;

  constructor(runtime: WsRuntime, cluster: string | undefined) {
    super((_process, packet) => new Packet(act(runtime, packet.payload)));
    this.#runtime = runtime;
    this.cluster = cluster;
  }

  async activate(): Promise<void> {
    if (this.#activated || this.cluster === undefined) return;
    await this.#runtime.acquireBus(this.cluster);
    this.#activated = true;
  }

  async deactivate(): Promise<void> {
    if (!this.#activated || this.cluster === undefined) return;
    this.#activated = false;
    await this.#runtime.releaseBus(this.cluster);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.deactivate();
  }
}

/** One send request, by shape: join, leave, room broadcast, or delivery to connection ids. */
function act(runtime: WsRuntime, payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || payload instanceof Uint8Array) {
    return invalid('the payload must be a map');
  }
  const request = payload as Record<string, unknown>;
  if (request.join !== undefined || request.leave !== undefined) {
    const joining = request.join !== undefined;
    const room = joining ? request.join : request.leave;
    if (typeof room !== 'string' || room === '') return invalid(`${joining ? 'join' : 'leave'} must be a room name`);
    const ids = connectionIds(request.connection);
    if (ids === undefined) return invalid('connection must be a connection id or a list of them');
    const here: string[] = [];
    const elsewhere: string[] = [];
    for (const id of ids) ((joining ? runtime.join(room, id) : runtime.leave(room, id)) ? here : elsewhere).push(id);
    return { room, [joining ? 'joined' : 'left']: here, ...(runtime.clustered ? { forwarded: elsewhere } : { unknown: elsewhere }) };
  }
  if (!('data' in request)) return invalid('data is missing');
  if (request.room !== undefined) {
    if (typeof request.room !== 'string' || request.room === '') return invalid('room must be a room name');
    const except = typeof request.except === 'string' ? request.except : undefined;
    return { room: request.room, delivered: runtime.broadcast(request.room, request.data, except), clustered: runtime.clustered };
  }
  const ids = connectionIds(request.connection);
  if (ids === undefined) return invalid('give connection (an id or a list of ids) or room');
  const delivery = runtime.deliver(ids, request.data);
  return runtime.clustered ? delivery : { delivered: delivery.delivered, unknown: delivery.unknown };
}

function connectionIds(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value) && value.every((id) => typeof id === 'string' && id !== '')) return value as string[];
  return undefined;
}

function invalid(reason: string): WeftError {
  return new WeftError('ERR_WS_SEND_INVALID', { reason });
}

/** `send`: deliver to WebSocket connections by id or room, from any workflow. */
export const definition = defineKind({
  kind,
  description: 'Sends data to WebSocket connections held by this engine (or, with a cluster, by any engine): {connection, data}, {room, data}, {join: room, connection}, {leave: room, connection}.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (spec, context: CodecContext) => new SendNode(wsRuntime(context), spec.cluster),
});

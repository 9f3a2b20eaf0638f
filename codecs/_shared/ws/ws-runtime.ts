import type { CodecContext, ProcessGroup } from '../../../src/index.ts';
import { ClusterBus, type ClusterMessage } from './cluster-bus.ts';
import { isFrame, outgoing, type OutgoingFrame } from './frame.ts';
import type { WsConnection } from './ws-connection.ts';

/** What `deliver` did: ids held here that got the frame, ids published to the cluster, ids nobody here holds. */
export interface Delivery {
  readonly delivered: string[];
  readonly forwarded: string[];
  readonly unknown: string[];
}

interface BusLease {
  readonly bus: ClusterBus;
  users: number;
}

/**
 * What the WebSocket kinds share within one runtime (one engine): the open connections by id,
 * the rooms (named sets of connection ids held here), and the cluster buses by Redis URL.
 * A connection leaves its rooms when it closes. With a bus, frames for ids this engine does
 * not hold, room broadcasts, joins and leaves of remote ids go to the other engines too.
 */
export class WsRuntime {
  readonly #namespace: string;
  readonly #connections = new Map<string, WsConnection>();
  readonly #rooms = new Map<string, Set<string>>();
  readonly #memberOf = new Map<string, Set<string>>();
  readonly #buses = new Map<string, BusLease>();

  constructor(namespace: string) {
    this.#namespace = namespace;
  }

  /** How many connections this engine holds. */
  get size(): number {
    return this.#connections.size;
  }

  connection(id: string): WsConnection | undefined {
    return this.#connections.get(id);
  }

  add(connection: WsConnection): void {
    this.#connections.set(connection.id, connection);
  }

  /** Forgets a closed connection and takes it out of its rooms. */
  remove(connection: WsConnection): void {
    this.#connections.delete(connection.id);
    const rooms = this.#memberOf.get(connection.id);
    this.#memberOf.delete(connection.id);
    if (rooms !== undefined) for (const room of rooms) this.#leaveLocal(room, connection.id);
  }

  /** The connection ids in a room here (not on other engines). */
  members(room: string): readonly string[] {
    return [...(this.#rooms.get(room) ?? [])];
  }

  /** Sends `value` to each id: held here → sent; else published on the bus when there is one, else unknown. */
  deliver(ids: readonly string[], value: unknown): Delivery {
    const frame = outgoing(value);
    const result: Delivery = { delivered: [], forwarded: [], unknown: [] };
    const remote: string[] = [];
    for (const id of ids) {
      const connection = this.#connections.get(id);
      if (connection === undefined) remote.push(id);
      else if ((isFrame(frame) ? connection.sendFrame(frame) : connection.send(value)) === 'sent') result.delivered.push(id);
      else result.unknown.push(id);
    }
    const bus = this.#bus();
    if (remote.length > 0 && bus !== undefined && isFrame(frame)) {
      bus.publish({ kind: 'send', ids: remote, frame });
      result.forwarded.push(...remote);
    } else result.unknown.push(...remote);
    return result;
  }

  /** Sends `value` to every member of `room` (but `except`) here and on the other engines; returns how many here got it. */
  broadcast(room: string, value: unknown, except?: string): number {
    const frame = outgoing(value);
    if (!isFrame(frame)) return 0;
    this.#bus()?.publish({ kind: 'room', room, frame, ...(except === undefined ? {} : { except }) });
    return this.#broadcastLocal(room, frame, except);
  }

  /** Puts a connection in a room (the engine that holds it records it). */
  join(room: string, id: string): boolean {
    if (!this.#connections.has(id)) {
      this.#bus()?.publish({ kind: 'join', room, id });
      return false;
    }
    this.#joinLocal(room, id);
    return true;
  }

  leave(room: string, id: string): boolean {
    if (!this.#connections.has(id)) {
      this.#bus()?.publish({ kind: 'leave', room, id });
      return false;
    }
    this.#leaveLocal(room, id);
    return true;
  }

  /** True when this engine has a cluster bus (messages for others are published). */
  get clustered(): boolean {
    return this.#buses.size > 0;
  }

  /** Takes a share of the bus for `url` (made and subscribed on first use); give it back with `releaseBus`. */
  async acquireBus(url: string): Promise<void> {
    let lease = this.#buses.get(url);
    if (lease === undefined) {
      lease = { bus: new ClusterBus(url, this.#namespace, (message) => this.#received(message)), users: 0 };
      this.#buses.set(url, lease);
    }
    lease.users++;
    try {
      await lease.bus.ready();
    } catch (thrown) {
      await this.releaseBus(url);
      throw thrown;
    }
  }

  async releaseBus(url: string): Promise<void> {
    const lease = this.#buses.get(url);
    if (lease === undefined || --lease.users > 0) return;
    this.#buses.delete(url);
    await lease.bus.close();
  }

  /** The bus messages go out on: the first one taken (engines share one cluster URL in practice). */
  #bus(): ClusterBus | undefined {
    for (const lease of this.#buses.values()) return lease.bus;
    return undefined;
  }

  #received(message: ClusterMessage): void {
    switch (message.kind) {
      case 'send':
        for (const id of message.ids) this.#connections.get(id)?.sendFrame(message.frame);
        return;
      case 'room':
        this.#broadcastLocal(message.room, message.frame, message.except);
        return;
      case 'join':
        if (this.#connections.has(message.id)) this.#joinLocal(message.room, message.id);
        return;
      case 'leave':
        if (this.#connections.has(message.id)) this.#leaveLocal(message.room, message.id);
    }
  }

  #broadcastLocal(room: string, frame: OutgoingFrame, except: string | undefined): number {
    let count = 0;
    for (const id of this.#rooms.get(room) ?? []) {
      if (id !== except && this.#connections.get(id)?.sendFrame(frame) === 'sent') count++;
    }
    return count;
  }

  #joinLocal(room: string, id: string): void {
    let members = this.#rooms.get(room);
    if (members === undefined) this.#rooms.set(room, (members = new Set()));
    members.add(id);
    let rooms = this.#memberOf.get(id);
    if (rooms === undefined) this.#memberOf.set(id, (rooms = new Set()));
    rooms.add(room);
  }

  #leaveLocal(room: string, id: string): void {
    const members = this.#rooms.get(room);
    members?.delete(id);
    if (members?.size === 0) this.#rooms.delete(room);
    this.#memberOf.get(id)?.delete(room);
  }
}

const runtimes = new WeakMap<ProcessGroup, WsRuntime>();

/** The WsRuntime of a codec context, keyed by the runtime's process group (as the queue kinds do). */
export function wsRuntime(context: CodecContext): WsRuntime {
  let found = runtimes.get(context.processes);
  if (found === undefined) runtimes.set(context.processes, (found = new WsRuntime(context.namespace)));
  return found;
}

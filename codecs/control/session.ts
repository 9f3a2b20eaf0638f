import { Type } from '@sinclair/typebox';
import {
  defineKind, InPort, mergePackets, OutPort, Packet, toWeftError,
  type Node, type Process, type Reply,
} from '../../src/index.ts';

/** The kind name. */
export const kind = 'session';

/** `session` has no fields of its own. */
export const schema = Type.Object({});

/**
 * Per-process values and a fan-out over them (uniflow's 2024-11 … 2025-03 `session`, fixed:
 * uniflow looked the value up under the wrong process and never emitted). `io` stores the
 * payload as the session value of the process it arrives in (a websocket connection's, a
 * long-lived consumer's), answers `None`, and the value is dropped when that process exits.
 * `in` forks a child of every process holding a value (in the order they first stored one),
 * sends `[value, input]` on `out` in each, and answers the merged replies once all are in
 * (`None` when no process holds a value); each child ends after its reply, with the error of
 * an error reply. A replacement node takes over the values (`adopt`), so a reload keeps them.
 */
export class SessionNode implements Node {
  readonly ioPort = new InPort('io', (process, packet) => this.#store(process, packet));
  readonly inPort = new InPort('in', (process, packet) => this.#fanOut(process, packet));
  readonly outPort = new OutPort('out');
  /** The session values by process; shared with a node that adopted this one's (then replaced by an empty map here). */
  #values = new Map<Process, unknown>();

  /** How many processes hold a value now. */
  get size(): number {
    return this.#values.size;
  }

  in(name: string): InPort | undefined {
    if (name === 'in') return this.inPort;
    return name === 'io' ? this.ioPort : undefined;
  }

  out(name: string): OutPort | undefined {
    return name === 'out' ? this.outPort : undefined;
  }

  adopt(previous: Node): void {
    if (!(previous instanceof SessionNode)) return;
    this.#values = previous.#values;
    previous.#values = new Map();
  }

  close(): void {
    this.ioPort.close();
    this.inPort.close();
    this.#values.clear();
  }

  #store(process: Process, packet: Packet): Packet {
    if (process.state === 'exited') return Packet.None;
    const values = this.#values;
    if (!values.has(process)) {
      // The hook holds the map, not the node: after a reload it is the replacement's (adopt moves the map).
      process.onExit(() => void values.delete(process));
    }
    values.set(process, packet.payload);
    return Packet.None;
  }

  #fanOut(_process: Process, packet: Packet): Reply {
    const children: Process[] = [];
    const replies: Reply[] = [];
    let pending = false;
    for (const [holder, value] of [...this.#values]) {
      if (holder.state === 'exited') continue;
      const child = holder.fork();
      children.push(child);
      let reply: Reply;
      try {
        reply = this.outPort.write(child, new Packet([value, packet.payload]));
      } catch (thrown) {
        reply = new Packet(toWeftError(thrown));
      }
      if (!(reply instanceof Packet)) {
        pending = true;
        reply = reply.then(undefined, (reason: unknown) => new Packet(toWeftError(reason)));
      }
      replies.push(reply);
    }
    if (children.length === 0) return Packet.None;
    if (!pending) return settle(children, replies as Packet[]);
    return Promise.all(replies).then((settled) => settle(children, settled));
  }
}

/** Ends each child after its reply (with the reply's error, if any) and merges the replies in order. */
function settle(children: readonly Process[], replies: readonly Packet[]): Packet {
  children.forEach((child, i) => {
    const payload = replies[i]!.payload;
    void child.finish(payload instanceof Error ? payload : undefined);
  });
  return mergePackets(replies);
}

/** `session`: remember a value per process, and fan a packet out to every process holding one. */
export const definition = defineKind({
  kind,
  description: 'io stores the payload as the current process\'s session value (until it exits); in sends [value, input] on out in a child of every process holding one and merges the replies.',
  schema,
  ports: { in: ['io', 'in'], out: ['out'] },
  codec: () => new SessionNode(),
});

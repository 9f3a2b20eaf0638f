import { Type } from '@sinclair/typebox';
import { defineKind, InPort, OutPort, Packet, WeftError, type Node, type PacketReceiver, type Process, type Reply } from '../../src/index.ts';
import { valueType } from '../_shared/value-type.ts';

/** The kind name. */
export const kind = 'for';

/** The 57d name of the same kind. */
export const loopKind = 'loop';

/** `for` and `loop` have no fields of their own. */
export const schema = Type.Object({});

/**
 * Iterates over a list (uniflow §9.2 `loop`, §10 `for`): each element goes to `out[0]` as its
 * own packet, one after the other (the next is sent once the previous replied); the replies,
 * in order and without `None`s, go to `out[1]` as a list, whose reply is the caller's
 * (unlinked: the list is the reply). The first error reply stops the loop and goes to
 * `error`. A payload that is not a list is refused with ERR_LOOP_INPUT on `error`.
 */
export class ForNode implements Node, PacketReceiver {
  readonly inPort = new InPort('in', this);
  readonly bodyPort = new OutPort('out[0]');
  readonly donePort = new OutPort('out[1]');
  readonly errorPort = new OutPort('error');
  readonly #kind: string;

  constructor(kindName: string = kind) {
    this.#kind = kindName;
  }

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out' || name === 'out[0]') return this.bodyPort;
    if (name === 'out[1]') return this.donePort;
    return name === 'error' ? this.errorPort : undefined;
  }

  close(): void {
    this.inPort.close();
  }

  /** Starts the loop over a packet of the `in` port (called by the port). */
  receive(process: Process, packet: Packet): Reply {
    const items = packet.payload;
    if (items instanceof Error) return this.errorPort.write(process, packet);
    if (!Array.isArray(items)) {
      return this.errorPort.write(process, new Packet(new WeftError('ERR_LOOP_INPUT', { kind: this.#kind, type: valueType(items) })));
    }
    return this.#from(process, items, 0, []);
  }

  /** Sends items[start…] while the replies are synchronous; continues after an async one settles. */
  #from(process: Process, items: readonly unknown[], start: number, results: unknown[]): Reply {
    for (let index = start; index < items.length; index++) {
      const reply = this.bodyPort.write(process, new Packet(items[index]));
      if (!(reply instanceof Packet)) {
        return reply.then((settled) => (this.#collect(results, settled) ? this.#from(process, items, index + 1, results) : this.errorPort.write(process, settled)));
      }
      if (!this.#collect(results, reply)) return this.errorPort.write(process, reply);
    }
    return this.donePort.write(process, new Packet(results));
  }

  /** Adds a reply to the results; false for an error reply (which stops the loop). */
  #collect(results: unknown[], reply: Packet): boolean {
    if (reply.payload instanceof Error) return false;
    if (reply !== Packet.None) results.push(reply.payload);
    return true;
  }
}

const description = 'Sends each element of a list to out[0] in turn; the list of replies goes to out[1], an error to error.';
const ports = { in: ['in'], out: ['out', 'out[0]', 'out[1]', 'error'] };

/** `for`: iterate over a list payload (HEAD name). */
export const definition = defineKind({ kind, description, schema, ports, codec: () => new ForNode(kind) });

/** `loop`: the 57d name of `for`. */
export const loopDefinition = defineKind({ kind: loopKind, description, schema, ports, codec: () => new ForNode(loopKind) });

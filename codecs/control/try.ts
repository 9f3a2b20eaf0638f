import { Type } from '@sinclair/typebox';
import { defineKind, InOutNode, Packet, type Process, type Reply } from '../../src/index.ts';

/** The kind name. */
export const kind = 'try';

/** `try` has no fields of its own. */
export const schema = Type.Object({});

/**
 * Catches errors of a whole downstream (uniflow §10 `try`): the packet goes to `out` (the
 * body); an error *reply*, from anywhere behind `out`, goes to `error` (the catch) and that
 * handler's reply is the caller's; any other reply passes through. With `error` unlinked the
 * error stays the reply. Synchronous when the body and the catch are.
 */
export class TryNode extends InOutNode {

  /** Runs the body on a packet of the `in` port (called by the port). */
  override receive(process: Process, packet: Packet): Reply {
    const reply = this.outPort.write(process, packet);
    if (reply instanceof Packet) return this.#catch(process, reply);
    return reply.then((settled) => this.#catch(process, settled));
  }

  #catch(process: Process, reply: Packet): Reply {
    return reply.payload instanceof Error ? this.errorPort.write(process, reply) : reply;
  }
}

/** `try`: route the error reply of a downstream to a catch handler. */
export const definition = defineKind({
  kind,
  description: 'Sends the packet to out; an error reply from that downstream goes to error, whose reply then stands.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: () => new TryNode(),
});

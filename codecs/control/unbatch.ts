import { Type } from '@sinclair/typebox';
import { defineKind, InOutNode, Packet, WeftError, type Process, type Reply } from '../../src/index.ts';

/** The kind name. */
export const kind = 'unbatch';

/** `unbatch` has no fields of its own. */
export const schema = Type.Object({});

/**
 * Runs `out` once per element of an array, one after the other in the same process, and
 * replies the array of the replies (in element order). If an element's reply is an error, the
 * rest are not run and that error goes to `error` (whose reply stands), with the element's
 * index in its details. A payload that is not an array is ERR_UNBATCH_PAYLOAD.
 */
export class UnbatchNode extends InOutNode {
  receive(process: Process, packet: Packet): Reply {
    const items = packet.payload;
    if (!Array.isArray(items)) {
      const error = items instanceof Error ? items : new WeftError('ERR_UNBATCH_PAYLOAD', { type: items === null ? 'null' : typeof items });
      return this.errorPort.write(process, new Packet(error));
    }
    return this.#from(process, items, 0, new Array<unknown>(items.length));
  }

  /** Writes elements from `index` on; stays synchronous while the replies are. */
  #from(process: Process, items: readonly unknown[], index: number, replies: unknown[]): Reply {
    for (let i = index; i < items.length; i++) {
      const reply = this.outPort.write(process, new Packet(items[i]));
      if (!(reply instanceof Packet)) {
        return reply.then((settled) => (this.#failed(process, settled, i) ?? this.#store(process, items, i, replies, settled)));
      }
      const failed = this.#failed(process, reply, i);
      if (failed !== undefined) return failed;
      replies[i] = reply === Packet.None ? null : reply.payload;
    }
    return new Packet(replies);
  }

  #store(process: Process, items: readonly unknown[], i: number, replies: unknown[], reply: Packet): Reply {
    replies[i] = reply === Packet.None ? null : reply.payload;
    return this.#from(process, items, i + 1, replies);
  }

  #failed(process: Process, reply: Packet, index: number): Reply | undefined {
    if (!(reply.payload instanceof Error)) return undefined;
    const error = reply.payload instanceof WeftError
      ? new WeftError(reply.payload.code, reply.payload.params, { cause: reply.payload.cause, details: { index, ...(isRecord(reply.payload.details) ? reply.payload.details : {}) } })
      : reply.payload;
    return this.errorPort.write(process, new Packet(error));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `unbatch`: one run of `out` per array element. */
export const definition = defineKind({
  kind,
  description: 'Runs out once per element of an array payload (in order, in the same process) and replies the array of replies; an element\'s error stops it and goes to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: () => new UnbatchNode(),
});

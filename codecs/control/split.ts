import { Type } from '@sinclair/typebox';
import { defineKind, OneToManyNode, Packet } from '../../src/index.ts';

/** The kind name. */
export const kind = 'split';

/** `split` has no fields of its own. */
export const schema = Type.Object({});

/** One packet per list element, by index; a scalar is its own single output; an error stays whole. */
function fan(packet: Packet): readonly (Packet | undefined)[] | Packet {
  const value = packet.payload;
  if (value instanceof Error) return packet;
  if (!Array.isArray(value)) return [packet];
  return value.map((element: unknown) => new Packet(element));
}

/**
 * Spreads a list over the out-ports (uniflow §10 `split`): element i goes to `out[i]`, a value
 * that is not a list to `out[0]`; the replies are merged in index order (an element whose
 * port is unlinked is its own reply). An error payload goes to `error`.
 */
export class SplitNode extends OneToManyNode {
  constructor() {
    super((_process, packet) => fan(packet));
  }
}

/** `split`: one-to-many by list index. */
export const definition = defineKind({
  kind,
  description: 'Sends list element i to out[i] (a non-list to out[0]) and merges the replies in index order.',
  schema,
  ports: { in: ['in'], out: ['out[]', 'error'] },
  codec: () => new SplitNode(),
});

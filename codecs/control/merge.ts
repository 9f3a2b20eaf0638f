import { Type } from '@sinclair/typebox';
import {
  defineKind, indexOfPort, InPort, mergePackets, OutPort, Packet,
  type Node, type Process, type Reply,
} from '../../src/index.ts';

/** The kind name. */
export const kind = 'merge';

/** The merge's own spec fields. */
export const schema = Type.Object({
  inputs: Type.Optional(Type.Integer({
    minimum: 1,
    maximum: 1024,
    description: 'How many in-ports a set needs (in[0]…in[inputs-1]); default: every in-port linked so far.',
  })),
});

/**
 * Joins one packet from each in-port (uniflow §9.2 `merge`): per process, packets are grouped
 * into sets in arrival order per port; the packet that completes a set sends the merge of the
 * set (in port order: one value stays itself, several become a list, an error wins) to `out`,
 * or to `error` when it is an error, and gets that reply; the others are answered `None` at
 * once. The ports of a set are in[0]…in[inputs-1], or without `inputs` every in-port that has
 * been linked (uniflow's rule; a port stays in the set after its link is gone).
 */
export class MergeNode implements Node {
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');
  readonly #ins: InPort[] = [];
  /** The port indices a set needs, ascending. */
  #members: number[] = [];
  readonly #fixed: boolean;
  readonly #pending = new WeakMap<Process, (Packet | undefined)[][]>();

  constructor(inputs?: number) {
    this.#fixed = inputs !== undefined;
    if (inputs !== undefined) this.#members = Array.from({ length: inputs }, (_, index) => index);
  }

  in(name: string): InPort | undefined {
    const index = indexOfPort(name, 'in');
    if (index === undefined || (this.#fixed && index >= this.#members.length)) return undefined;
    let port = this.#ins[index];
    if (port === undefined) {
      port = this.#ins[index] = new InPort(`in[${index}]`, (process, packet) => this.#gather(index, process, packet));
      if (!this.#fixed) this.#members = [...this.#members, index].sort((a, b) => a - b);
    }
    return port;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  close(): void {
    for (const port of this.#ins) port?.close();
  }

  #gather(index: number, process: Process, packet: Packet): Reply {
    let sets = this.#pending.get(process);
    if (sets === undefined) this.#pending.set(process, (sets = []));
    let set = sets.find((candidate) => candidate[index] === undefined);
    if (set === undefined) sets.push((set = []));
    set[index] = packet;
    const members = this.#members;
    for (const member of members) if (set[member] === undefined) return Packet.None;
    sets.splice(sets.indexOf(set), 1);
    const merged = mergePackets(members.map((member) => set[member]!));
    return merged.payload instanceof Error ? this.errorPort.write(process, merged) : this.outPort.write(process, merged);
  }
}

/** `merge`: many-to-one, one packet from each in-port. */
export const definition = defineKind({
  kind,
  description: 'Waits for one packet on each in[N], then sends their merge (a list in port order) to out.',
  schema,
  ports: (spec) => ({
    in: typeof spec.inputs === 'number' ? Array.from({ length: spec.inputs }, (_, index) => `in[${index}]`).concat('in') : ['in[]'],
    out: ['out', 'error'],
  }),
  codec: (spec) => new MergeNode(spec.inputs),
});

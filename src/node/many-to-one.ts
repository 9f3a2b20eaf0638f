import { toWeftError } from '../errors/index.ts';
import { Packet, type Reply } from '../packet/index.ts';
import { InPort, OutPort } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import { indexOfPort } from './indexed-ports.ts';
import type { Node } from './node.ts';

/** Combines one packet from each `in[N]` (index order) into one reply packet. */
export type GatherAction = (process: Process, packets: readonly Packet[]) => Reply;

/**
 * The `in[N]` → `out` / `error` shape (`in` is `in[0]`). Per process, it gathers one packet per
 * in-port; the packet that completes a set triggers the action and receives the downstream
 * reply, the others are answered `None` at once (so a fan-out caller sees just one reply).
 * `inputs` is the number of in-ports a set needs.
 */
export class ManyToOneNode implements Node {
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');
  readonly #ins: InPort[] = [];
  readonly #pending = new WeakMap<Process, (Packet | undefined)[][]>();
  readonly #action: GatherAction;
  readonly #inputs: number;

  constructor(options: { inputs: number; action: GatherAction }) {
    this.#inputs = options.inputs;
    this.#action = options.action;
  }

  in(name: string): InPort | undefined {
    const index = indexOfPort(name, 'in');
    if (index === undefined || index >= this.#inputs) return undefined;
    return (this.#ins[index] ??= new InPort(`in[${index}]`, (process, packet) => this.#handle(index, process, packet)));
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  close(): void {
    for (const port of this.#ins) port?.close();
  }

  #handle(index: number, process: Process, packet: Packet): Reply {
    let sets = this.#pending.get(process);
    if (sets === undefined) this.#pending.set(process, (sets = []));
    let set = sets.find((candidate) => candidate[index] === undefined);
    if (set === undefined) sets.push((set = new Array<Packet | undefined>(this.#inputs)));
    set[index] = packet;
    for (let i = 0; i < this.#inputs; i++) if (set[i] === undefined) return Packet.None;
    sets.splice(sets.indexOf(set), 1);
    let result: Reply;
    try {
      result = this.#action(process, set as Packet[]);
    } catch (thrown) {
      return this.errorPort.write(process, new Packet(toWeftError(thrown)));
    }
    if (result instanceof Packet) return this.#route(process, result);
    return result.then(
      (output) => this.#route(process, output),
      (reason: unknown) => this.errorPort.write(process, new Packet(toWeftError(reason))),
    );
  }

  #route(process: Process, output: Packet): Reply {
    return output.payload instanceof Error ? this.errorPort.write(process, output) : this.outPort.write(process, output);
  }
}

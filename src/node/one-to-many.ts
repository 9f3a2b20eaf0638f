import { toWeftError } from '../errors/index.ts';
import { mergePackets, Packet, type Reply } from '../packet/index.ts';
import { InPort, OutPort, type PacketReceiver } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import { indexOfPort } from './indexed-ports.ts';
import type { Node } from './node.ts';

/**
 * Routes one packet to some of the `out[N]` ports: an array with one optional packet per index,
 * or a single error packet (sent to `error`).
 */
export type FanAction = (process: Process, packet: Packet) => readonly (Packet | undefined)[] | Packet;

/**
 * The `in` → `out[N]` / `error` shape (`out` is `out[0]`). Out-ports exist once referenced.
 * Every produced packet is written to its port and the replies are merged in index order; when
 * nothing is produced the input itself is the reply (so an unmatched packet passes back).
 */
export class OneToManyNode implements Node, PacketReceiver {
  readonly inPort: InPort;
  readonly errorPort = new OutPort('error');
  readonly #outs: OutPort[] = [];
  readonly #action: FanAction;

  constructor(action: FanAction) {
    this.#action = action;
    this.inPort = new InPort('in', this);
  }

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'error') return this.errorPort;
    const index = indexOfPort(name, 'out');
    if (index === undefined) return undefined;
    return (this.#outs[index] ??= new OutPort(`out[${index}]`));
  }

  close(): void {
    this.inPort.close();
  }

  /** Routes a packet of the `in` port (called by the port). */
  receive(process: Process, packet: Packet): Reply {
    let outputs: readonly (Packet | undefined)[] | Packet;
    try {
      outputs = this.#action(process, packet);
    } catch (thrown) {
      return this.errorPort.write(process, new Packet(toWeftError(thrown)));
    }
    if (outputs instanceof Packet) {
      return outputs.payload instanceof Error ? this.errorPort.write(process, outputs) : outputs;
    }
    let single: Reply | undefined;
    let replies: Reply[] | undefined;
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs[i];
      if (output === undefined) continue;
      const port = this.#outs[i];
      const reply = port === undefined ? output : port.write(process, output);
      if (single === undefined) single = reply;
      else (replies ??= [single]).push(reply);
    }
    if (replies === undefined) return single ?? packet;
    if (replies.every((reply) => reply instanceof Packet)) return mergePackets(replies as Packet[]);
    return Promise.all(replies).then(mergePackets);
  }
}

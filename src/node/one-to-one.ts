import { toWeftError } from '../errors/index.ts';
import { Packet, type Reply } from '../packet/index.ts';
import { InPort, OutPort, type PacketReceiver } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import type { Node } from './node.ts';

/** What a node does with one packet: a reply packet (an error packet for failure), sync or async. */
export type Action = (process: Process, packet: Packet) => Reply;

/**
 * The `in` → `out` / `error` shape. The action's value goes to `out`, an error (returned or
 * thrown) to `error`; the caller gets the reply of that write, which is the packet itself when
 * the port is unlinked. An action returning `None` replies `None` without writing.
 */
export class OneToOneNode implements Node, PacketReceiver {
  readonly inPort: InPort;
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');
  readonly #action: Action;

  constructor(action: Action) {
    this.#action = action;
    this.inPort = new InPort('in', this);
  }

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  close(): void {
    this.inPort.close();
  }

  /** Runs the action on a packet of the `in` port (called by the port). */
  receive(process: Process, packet: Packet): Reply {
    let result: Reply;
    try {
      result = this.#action(process, packet);
    } catch (thrown) {
      return this.errorPort.write(process, new Packet(toWeftError(thrown)));
    }
    if (result instanceof Packet) {
      if (result === Packet.None) return result;
      return result.payload instanceof Error ? this.errorPort.write(process, result) : this.outPort.write(process, result);
    }
    return result.then(
      (output) => this.#route(process, output),
      (reason: unknown) => this.errorPort.write(process, new Packet(toWeftError(reason))),
    );
  }

  #route(process: Process, output: Packet): Reply {
    if (output === Packet.None) return output;
    return output.payload instanceof Error ? this.errorPort.write(process, output) : this.outPort.write(process, output);
  }
}

import { toWeftError } from '../errors/index.ts';
import { Packet, type Reply } from '../packet/index.ts';
import type { Process } from '../process/index.ts';
import { InOutNode } from './in-out-node.ts';

/** What a node does with one packet: a reply packet (an error packet for failure), sync or async. */
export type Action = (process: Process, packet: Packet) => Reply;

/**
 * The `in` → `out` / `error` shape. The action's value goes to `out`, an error (returned or
 * thrown) to `error`; the caller gets the reply of that write, which is the packet itself when
 * the port is unlinked. An action returning `None` replies `None` without writing.
 */
export class OneToOneNode extends InOutNode {
  readonly #action: Action;

  constructor(action: Action) {
    super();
    this.#action = action;
  }

  /** Runs the action on a packet of the `in` port (called by the port). */
  override receive(process: Process, packet: Packet): Reply {
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

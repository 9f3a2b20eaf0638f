import type { Packet, Reply } from '../packet/index.ts';
import { InPort, OutPort, type PacketReceiver } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import type { Node } from './node.ts';

/**
 * The `in` → `out` / `error` port set of a node that handles its packets itself: subclasses
 * implement `receive` (which must neither throw nor reject) and write to `outPort` and
 * `errorPort`. `close` refuses further packets; subclasses that hold more extend it.
 */
export abstract class InOutNode implements Node, PacketReceiver {
  readonly inPort: InPort = new InPort('in', this);
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  close(): void | Promise<void> {
    this.inPort.close();
  }

  /** Handles a packet of the `in` port (called by the port). */
  abstract receive(process: Process, packet: Packet): Reply;
}

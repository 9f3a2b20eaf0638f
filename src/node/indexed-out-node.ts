import type { Packet, Reply } from '../packet/index.ts';
import { InPort, OutPort, type PacketReceiver } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import { indexOfPort } from './indexed-ports.ts';
import type { Node } from './node.ts';

/**
 * The `in` → `out[N]` / `error` port set (`out` is `out[0]`) of a node that handles its packets
 * itself: out-ports are made on first reference and kept in `outs` by index (holes for those
 * never referenced). Subclasses implement `receive` (which must neither throw nor reject); one
 * with a fixed number of out-ports overrides `out`.
 */
export abstract class IndexedOutNode implements Node, PacketReceiver {
  readonly inPort: InPort = new InPort('in', this);
  readonly errorPort = new OutPort('error');
  protected readonly outs: OutPort[] = [];

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'error') return this.errorPort;
    const index = indexOfPort(name, 'out');
    return index === undefined ? undefined : this.outAt(index);
  }

  close(): void | Promise<void> {
    this.inPort.close();
  }

  /** The `out[index]` port, made on first use. */
  protected outAt(index: number): OutPort {
    return (this.outs[index] ??= new OutPort(`out[${index}]`));
  }

  /** Handles a packet of the `in` port (called by the port). */
  abstract receive(process: Process, packet: Packet): Reply;
}

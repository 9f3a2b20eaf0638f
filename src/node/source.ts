import { Packet, type Reply } from '../packet/index.ts';
import { OutPort } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import type { InPort } from '../port/index.ts';
import type { Node } from './node.ts';

/**
 * The zero-to-one shape of listeners, consumers and schedules: no in-port, `out` and `error`.
 * `emit` sends a packet of a process the source started to `out`; an error reply goes on to
 * `error` when it is linked (whose reply then stands), else the error is the reply.
 */
export abstract class SourceNode implements Node {
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');

  in(_name: string): InPort | undefined {
    return undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  /** Writes to `out`, then routes an error reply to `error`. */
  emit(process: Process, packet: Packet): Reply {
    if (packet.payload instanceof Error) return this.fail(process, packet);
    const reply = this.outPort.write(process, packet);
    if (reply instanceof Packet) return reply.payload instanceof Error ? this.fail(process, reply) : reply;
    return reply.then((settled) => (settled.payload instanceof Error ? this.fail(process, settled) : settled));
  }

  /** Sends an error packet to `error` when linked; otherwise the error is the reply. */
  fail(process: Process, error: Packet): Reply {
    return this.errorPort.links.length === 0 ? error : this.errorPort.write(process, error);
  }

  abstract close(): void | Promise<void>;
}

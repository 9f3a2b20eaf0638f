import { Type } from '@sinclair/typebox';
import {
  defineKind, indexOfPort, InPort, OutPort, Packet,
  type Node, type PacketReceiver, type Process, type Reply,
} from '../../src/index.ts';

/** The kind name. */
export const kind = 'pipe';

/** The 57d name of the same kind. */
export const callKind = 'call';

/** `pipe` and `call` have no fields of their own. */
export const schema = Type.Object({});

/**
 * Calls its out-ports in turn (uniflow §10 `pipe`, §9.2 `call`): the input goes to `out[0]`;
 * each reply goes on to the next `out[j]` that has links; the last reply is the caller's.
 * An error reply goes to `error` instead (unlinked: the error is the reply), and a `None`
 * reply (nothing came back to continue with) ends the pipe with `None`. With two ports this
 * is "call a subroutine on out[0], continue on out[1] with its result".
 */
export class PipeNode implements Node, PacketReceiver {
  readonly inPort = new InPort('in', this);
  readonly errorPort = new OutPort('error');
  readonly #outs: OutPort[] = [new OutPort('out[0]')];

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

  /** Starts the pipe with a packet of the `in` port (called by the port). */
  receive(process: Process, packet: Packet): Reply {
    return this.#call(process, 0, packet);
  }

  #call(process: Process, index: number, packet: Packet): Reply {
    const reply = this.#outs[index]!.write(process, packet);
    if (reply instanceof Packet) return this.#next(process, index, reply);
    return reply.then((settled) => this.#next(process, index, settled));
  }

  #next(process: Process, index: number, reply: Packet): Reply {
    if (reply === Packet.None) return reply;
    if (reply.payload instanceof Error) return this.errorPort.write(process, reply);
    for (let next = index + 1; next < this.#outs.length; next++) {
      if ((this.#outs[next]?.links.length ?? 0) > 0) return this.#call(process, next, reply);
    }
    return reply;
  }
}

const description = 'Sends the input to out[0], then each reply to the next linked out[N]; the last reply is the result, an error goes to error.';
const ports = { in: ['in'], out: ['out[]', 'error'] };

/** `pipe`: call out-ports in turn, each with the previous reply (HEAD name). */
export const definition = defineKind({ kind, description, schema, ports, codec: () => new PipeNode() });

/** `call`: the 57d name of `pipe` (out[0] is the call, out[1] gets its result). */
export const callDefinition = defineKind({ kind: callKind, description, schema, ports, codec: () => new PipeNode() });

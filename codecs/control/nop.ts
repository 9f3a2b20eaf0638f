import { Type } from '@sinclair/typebox';
import { defineKind, InPort, Packet, type Node, type OutPort, type PacketReceiver } from '../../src/index.ts';

/** The kind name. */
export const kind = 'nop';

/** `nop` has no fields of its own. */
export const schema = Type.Object({});

/** A sink: accepts every packet on `in` and answers `None`. */
export class NopNode implements Node, PacketReceiver {
  readonly inPort = new InPort('in', this);

  receive(): Packet {
    return Packet.None;
  }

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(_name: string): OutPort | undefined {
    return undefined;
  }

  close(): void {
    this.inPort.close();
  }
}

/** `nop`: swallows packets (a link target that answers nothing). */
export const definition = defineKind({
  kind,
  description: 'Accepts every packet and replies None.',
  schema,
  ports: { in: ['in'], out: [] },
  codec: () => new NopNode(),
});

import { Type } from '@sinclair/typebox';
import {
  defineKind, describeSpec, OneToOneNode, Packet, toWeftError, WeftError,
  type Process, type Reply, type Spec, type Syscall,
} from '../../src/index.ts';

/** The kind name. */
export const kind = 'syscall';

/** The syscall's own spec fields. */
export const schema = Type.Object({
  opcode: Type.String({
    minLength: 1,
    description: 'The system call to make, e.g. specs.create; the runtime decides which exist (`weft start` offers specs.* and nodes.*).',
  }),
});

/**
 * Makes one system call per packet: the payload is the call's argument, its result goes to
 * `out` (`undefined` becomes null), a thrown or rejected error to `error`. An error payload is
 * not an argument: it goes on to `error` unchanged, without a call. Synchronous calls stay
 * synchronous.
 */
export class SyscallNode extends OneToOneNode {
  constructor(call: Syscall) {
    super((process, packet) => invoke(call, process, packet));
  }
}

function invoke(call: Syscall, process: Process, packet: Packet): Reply {
  if (packet.payload instanceof Error) return packet;
  const result = call(process, packet.payload);
  if (result instanceof Promise) return result.then(toPacket, (reason: unknown) => new Packet(toWeftError(reason)));
  return toPacket(result);
}

function toPacket(value: unknown): Packet {
  return new Packet(value === undefined ? null : value);
}

/** ERR_OPCODE_UNKNOWN for an opcode the runtime does not offer, naming the field and the known ones. */
function unknownOpcode(spec: Spec, opcode: string, known: readonly string[]): WeftError {
  const list = known.length === 0 ? 'none: this runtime offers no system calls' : [...known].sort().join(', ');
  return new WeftError('ERR_OPCODE_UNKNOWN', { spec: describeSpec(spec), opcode, known: list }, {
    details: [{ path: 'opcode', code: 'ERR_OPCODE_UNKNOWN', message: `opcode "${opcode}" is unknown (known: ${list})` }],
  });
}

/** `syscall`: calls one of the runtime's system calls by opcode (uniflow §9.6). */
export const definition = defineKind({
  kind,
  description: 'Calls a runtime system call (specs.create, specs.read…) with the payload; the result goes to out, a failure to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (spec, context) => {
    const call = context.syscalls.get(spec.opcode);
    if (call === undefined) throw unknownOpcode(spec, spec.opcode, [...context.syscalls.keys()]);
    return new SyscallNode(call);
  },
});

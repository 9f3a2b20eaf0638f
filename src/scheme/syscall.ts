import type { Process } from '../process/index.ts';

/**
 * One system call of the `syscall` kind: takes the payload (and the process it runs in) and
 * returns the result, sync or async. It throws a WeftError for a failed call; the kind turns it
 * into an error packet. Registered by opcode (`specs.create`…) in a SyscallTable.
 */
export type Syscall = (process: Process, payload: unknown) => unknown;

/** The system calls a runtime offers, by opcode; an instance per runtime, never a global. */
export type SyscallTable = ReadonlyMap<string, Syscall>;

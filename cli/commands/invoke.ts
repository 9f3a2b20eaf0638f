import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { storeOptions, type StoreFlags } from '../options.ts';

/** Flags of `weft invoke`. */
export interface InvokeFlags extends StoreFlags {
  readonly data?: string;
  readonly logLevel?: string;
  readonly sandbox?: string;
}

/**
 * `weft invoke NODE`: runs one node of the stored specs, and the nodes it links to, once, in a
 * throw-away runtime (seed 000 "Local development"). The node and its downstream are copied
 * from the store into a memory store, sources left out, so no listener binds and no consumer
 * consumes; `syscall` nodes still reach the real store. Prints the reply as JSON (bytes raw,
 * nothing for no reply) and exits 0; an error reply is printed as `error CODE: message`, exit
 * 1; an unknown node or unusable --data exits 2.
 */
export function invokeCommand(io: CliIO): Command {
  const command = new Command('invoke')
    .description('run one node (and what it links to) once with a payload, without listeners or consumers')
    .argument('<node>', 'name (or id) of the node to run')
    .option('-d, --data <json>', 'the payload: JSON text, @FILE or @- for standard input (default null)')
    .option('--log-level <level>', 'log level of the engine, on standard error (default warn)')
    .option('--sandbox <where>', 'where javascript/typescript snippets run: process (default) | in-process');
  return storeOptions(command).action(async (name: string, flags: InvokeFlags) => (await import('../actions/invoke.ts')).runInvoke(io, name, flags));
}

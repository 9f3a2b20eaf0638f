import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { opsOptions, type OpsFlags } from '../ops/ops-flags.ts';
import { outputOption } from '../options.ts';

/** Flags of `weft inject`. */
export interface InjectFlags extends OpsFlags {
  readonly port: string;
  readonly data?: string;
}

/**
 * `weft inject NODE`: runs one process in a running engine, starting at an in-port of one of its
 * nodes with the --data payload (seed 004 inject), through the ops plane; unlike `weft invoke`,
 * it runs against the live nodes, listeners and connections included. Prints the reply payload
 * as JSON (table) or the whole answer (-o json|yaml); an error reply is printed as
 * `error CODE: message`, exit 1; unusable --data exits 2.
 */
export function injectCommand(io: CliIO): Command {
  const command = new Command('inject')
    .description('run one process in a running engine from an in-port of a node, and print the reply (over the ops plane)')
    .argument('<node>', 'name of the node')
    .option('--port <port>', 'the in-port to start at', 'in')
    .option('-d, --data <json>', 'the payload: JSON text, @FILE or @- for standard input (default null)');
  return outputOption(opsOptions(command)).action(async (node: string, flags: InjectFlags) => (await import('../actions/inject.ts')).runInject(io, node, flags));
}

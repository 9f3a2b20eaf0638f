import { Command, Option } from 'commander';
import type { CliIO } from '../io.ts';
import { storeOptions, type StoreFlags } from '../options.ts';

/** Flags of `weft describe`. */
export interface DescribeFlags extends StoreFlags {
  readonly ops?: string;
  readonly token?: string;
}

/**
 * `weft describe NAME`: one spec as stored, with what the running engine says of its node
 * (state and why it is not active, packets, errors, latency, last errors) when its ops plane
 * is known (--ops, WEFT_OPS, ops: in the config, else the engine registry in the store).
 */
export function describeCommand(io: CliIO): Command {
  const command = new Command('describe')
    .description('show one spec and its node\'s state, counters and last errors on the running engine')
    .argument('<name>', 'the spec\'s name (or id)')
    .option('--ops <address>', 'the engine\'s ops plane as HOST:PORT (default: WEFT_OPS, ops: in weft.config.yaml, else the engine registry)')
    .option('--token <token>', 'an API token or JWT for the ops plane (default: WEFT_TOKEN)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'));
  return storeOptions(command).action(async (name: string, flags: DescribeFlags) => (await import('../actions/describe.ts')).runDescribe(io, name, flags));
}

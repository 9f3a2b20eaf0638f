import { Command, Option } from 'commander';
import type { CliIO } from '../io.ts';
import { storeOptions, type StoreFlags } from '../options.ts';
import type { SpecOutputFormat } from '../print.ts';

/** Flags of `weft get`. */
export interface GetFlags extends Omit<StoreFlags, 'output'> {
  readonly allNamespaces?: boolean;
  readonly output?: SpecOutputFormat;
}

/** `weft get [NAME…]`: list the specs of a namespace (or all with -A). */
export function getCommand(io: CliIO): Command {
  const command = new Command('get')
    .description('list specs, or the named ones')
    .argument('[names...]', 'spec names')
    .option('-A, --all-namespaces', 'list every namespace')
    .addOption(new Option('-o, --output <format>', 'output format: table, wide (with each spec\'s fields), name (KIND/NAME per line), json, yaml').choices(['table', 'wide', 'name', 'json', 'yaml']).default('table'));
  return storeOptions(command).action(async (names: string[], flags: GetFlags) => (await import('../actions/get.ts')).runGet(io, names, flags));
}

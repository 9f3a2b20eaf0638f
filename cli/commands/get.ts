import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { outputOption, storeOptions, type StoreFlags } from '../options.ts';

/** `weft get [NAME…]`: list the specs of a namespace (or all with -A). */
export function getCommand(io: CliIO): Command {
  const command = new Command('get')
    .description('list specs, or the named ones')
    .argument('[names...]', 'spec names')
    .option('-A, --all-namespaces', 'list every namespace');
  return outputOption(storeOptions(command)).action(async (names: string[], flags: StoreFlags & { allNamespaces?: boolean }) => (await import('../actions/get.ts')).runGet(io, names, flags));
}

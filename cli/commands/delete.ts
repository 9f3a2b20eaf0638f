import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { collect, storeOptions, type StoreFlags } from '../options.ts';

/**
 * `weft delete NAME|ID… | -f FILE`: delete every named spec in one transaction, or none if one is
 * missing. An argument that names no spec of the namespace is taken as an id (what `get` prints).
 */
export function deleteCommand(io: CliIO): Command {
  const command = new Command('delete')
    .description('delete specs by name or by the specs in files (all or nothing)')
    .argument('[names...]', 'spec names or ids')
    .option('-f, --filename <path>', 'file, directory or - (repeatable)', collect);
  return storeOptions(command).action(async (names: string[], flags: StoreFlags & { filename?: string[] }) => (await import('../actions/delete.ts')).runDelete(io, names, flags));
}

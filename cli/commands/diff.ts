import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { collect, outputOption, storeOptions, type StoreFlags } from '../options.ts';

/** Flags of `weft diff`. */
export interface DiffFlags extends StoreFlags {
  readonly filename: string[];
  readonly prune?: boolean;
  readonly allowDangling?: boolean;
}

/**
 * `weft diff -f FILE|DIR|-`: the plan `weft apply` would carry out against the store, never
 * writing. Exits like diff(1): 0 when nothing would change, 1 when something would, 2 on an error.
 */
export function diffCommand(io: CliIO): Command {
  const command = new Command('diff')
    .description('show what apply would change, without writing (exit 0: no change, 1: changes, 2: error)')
    .requiredOption('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect)
    .option('--prune', 'also show the stored specs that apply --prune would delete')
    .option('--allow-dangling', 'accept links to specs neither in the files nor stored (applied later), with a warning');
  return outputOption(storeOptions(command)).action(async (flags: DiffFlags) => (await import('../actions/diff.ts')).runDiff(io, flags));
}

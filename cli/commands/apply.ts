import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { collect, outputOption, storeOptions, type StoreFlags } from '../options.ts';

/** Flags of `weft apply`. */
export interface ApplyFlags extends StoreFlags {
  readonly filename: string[];
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly allowDangling?: boolean;
}

/**
 * `weft apply -f FILE|DIR|-`: validate every spec, then upsert them all in one transaction;
 * `--prune` also deletes the namespace's specs absent from the files; `--dry-run` prints the plan instead.
 */
export function applyCommand(io: CliIO): Command {
  const command = new Command('apply')
    .description('create or update specs from files (all or nothing)')
    .requiredOption('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect)
    .option('--dry-run', 'validate and print the plan (creates, updates with their field changes, deletes, node restarts); write nothing')
    .option('--prune', 'also delete the stored specs of the applied namespaces that are not in the files')
    .option('--allow-dangling', 'accept links to specs neither in the files nor stored (applied later), with a warning');
  return outputOption(storeOptions(command)).action(async (flags: ApplyFlags) => (await import('../actions/apply.ts')).runApply(io, flags));
}

import { Command } from 'commander';
import { collect, configFor, createLanguages, createScheme, outputOption, storeOptions, type StoreFlags } from '../context.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { withExistingStore } from '../with-existing-store.ts';
import { planApply, type PlannedApply } from '../plan-apply.ts';
import { readSpecs } from '../read-specs.ts';
import { renderPlan } from '../render-plan.ts';
import { printWarnings } from '../print-warnings.ts';

/** Flags of `weft diff`. */
interface DiffFlags extends StoreFlags {
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
  return outputOption(storeOptions(command)).action(async (flags: DiffFlags) => {
    let planned: PlannedApply;
    try {
      const config = configFor(io, flags);
      const sourced = await readSpecs(flags.filename, io);
      planned = await withExistingStore(io, config, (store) =>
        planApply(sourced, {
          scheme: createScheme(), languages: createLanguages(config.sandbox), namespace: config.namespace, store, prune: flags.prune === true, allowDangling: flags.allowDangling === true,
        }));
      printWarnings(io, planned.warnings);
    } catch (thrown) {
      throw new ExitStatus(2, thrown);
    }
    io.stdout.write(renderPlan(planned.plan, flags.output ?? 'table', { cwd: io.cwd }));
    if (planned.plan.changed) throw new ExitStatus(1);
  });
}

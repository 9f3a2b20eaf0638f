import { createLanguages, createScheme } from '../context.ts';
import { configFor } from '../config-for.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { withExistingStore } from '../with-existing-store.ts';
import { planApply, type PlannedApply } from '../plan-apply.ts';
import { readSpecs } from '../read-specs.ts';
import { renderPlan } from '../render-plan.ts';
import { printWarnings } from '../print-warnings.ts';
import type { DiffFlags } from '../commands/diff.ts';

/** Runs `weft diff` (its definition: cli/commands/diff.ts). */
export async function runDiff(io: CliIO, flags: DiffFlags): Promise<void> {
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
}

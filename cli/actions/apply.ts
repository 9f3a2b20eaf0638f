import { applySpecs } from '../apply-specs.ts';
import { createLanguages, createScheme } from '../context.ts';
import { configFor } from '../config-for.ts';
import { withStore } from '../with-store.ts';
import type { CliIO } from '../io.ts';
import { withExistingStore } from '../with-existing-store.ts';
import { planApply } from '../plan-apply.ts';
import { renderSpecs } from '../print.ts';
import { readSpecs } from '../read-specs.ts';
import { renderPlan } from '../render-plan.ts';
import { printWarnings } from '../print-warnings.ts';
import type { ApplyFlags } from '../commands/apply.ts';

/** Runs `weft apply` (its definition: cli/commands/apply.ts). */
export async function runApply(io: CliIO, flags: ApplyFlags): Promise<void> {
  const config = configFor(io, flags);
  const format = flags.output ?? 'table';
  const sourced = await readSpecs(flags.filename, io);
  const options = { scheme: createScheme(), languages: createLanguages(config.sandbox), namespace: config.namespace, prune: flags.prune === true, allowDangling: flags.allowDangling === true };
  if (flags.dryRun === true) {
    const planned = await withExistingStore(io, config, (store) => planApply(sourced, { ...options, store }));
    printWarnings(io, planned.warnings);
    io.stdout.write(renderPlan(planned.plan, format, { dryRun: true, cwd: io.cwd }));
    return;
  }
  const result = await withStore(io, config, (store) => applySpecs(sourced, { ...options, store }, (warnings) => printWarnings(io, warnings)));
  if (format === 'table') {
    const actions = [...result.actions, ...result.deleted.map(() => 'pruned')];
    io.stdout.write(renderSpecs([...result.specs, ...result.deleted], format, { columns: ['action'], cells: (_spec, index) => ({ action: actions[index]! }) }));
    return;
  }
  io.stdout.write(renderSpecs(result.specs, format));
  for (const spec of result.deleted) io.stderr.write(`${spec.kind}/${spec.name ?? spec.id} pruned\n`);
}

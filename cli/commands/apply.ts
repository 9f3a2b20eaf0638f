import { Command } from 'commander';
import { applySpecs } from '../apply-specs.ts';
import { collect, configFor, createLanguages, createScheme, outputOption, storeOptions, withStore, type StoreFlags } from '../context.ts';
import type { CliIO } from '../io.ts';
import { withExistingStore } from '../with-existing-store.ts';
import { planApply } from '../plan-apply.ts';
import { renderSpecs } from '../print.ts';
import { readSpecs } from '../read-specs.ts';
import { renderPlan } from '../render-plan.ts';
import { printWarnings } from '../print-warnings.ts';

/** Flags of `weft apply`. */
interface ApplyFlags extends StoreFlags {
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
  return outputOption(storeOptions(command)).action(async (flags: ApplyFlags) => {
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
  });
}

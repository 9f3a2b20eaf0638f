import { Command } from 'commander';
import { collect, configFor, createScheme, withStore, type StoreFlags } from '../context.ts';
import type { CliIO } from '../io.ts';
import { prepareSpecs, type PreparedSpecs } from '../prepare-specs.ts';
import { readSpecs } from '../read-specs.ts';
import { ApplyRefused } from '../apply-specs.ts';

/** `weft validate -f FILE`: check specs without writing; with --store, links are checked against it too. */
export function validateCommand(io: CliIO): Command {
  return new Command('validate')
    .description('check specs without writing them')
    .requiredOption('-f, --filename <path>', 'file, directory or - (repeatable)', collect)
    .option('-n, --namespace <namespace>', 'namespace for specs that name none')
    .option('--store <url>', 'also check links against the specs stored here')
    .action(async (flags: StoreFlags & { filename: string[] }) => {
      const config = configFor(io, flags);
      const sourced = await readSpecs(flags.filename, io);
      const options = { scheme: createScheme(), namespace: config.namespace };
      const prepared: PreparedSpecs = flags.store === undefined
        ? await prepareSpecs(sourced, options)
        : await withStore(io, config, (store) => prepareSpecs(sourced, { ...options, store }));
      if (prepared.failures.length > 0) throw new ApplyRefused(prepared.failures);
      io.stdout.write(`${prepared.specs.length} spec(s) valid\n`);
    });
}

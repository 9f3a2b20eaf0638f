import { Command } from 'commander';
import { applySpecs } from '../apply-specs.ts';
import { collect, configFor, createScheme, outputOption, storeOptions, withStore, type StoreFlags } from '../context.ts';
import type { CliIO } from '../io.ts';
import { renderSpecs } from '../print.ts';
import { readSpecs } from '../read-specs.ts';

/** `weft apply -f FILE|DIR|-`: validate every spec, then upsert them all in one transaction. */
export function applyCommand(io: CliIO): Command {
  const command = new Command('apply')
    .description('create or update specs from files (all or nothing)')
    .requiredOption('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect);
  return outputOption(storeOptions(command)).action(async (flags: StoreFlags & { filename: string[] }) => {
    const config = configFor(io, flags);
    const sourced = await readSpecs(flags.filename, io);
    const result = await withStore(io, config, (store) => applySpecs(sourced, { scheme: createScheme(), namespace: config.namespace, store }));
    io.stdout.write(renderSpecs(result.specs, flags.output ?? 'table', { columns: ['action'], cells: (_spec, index) => ({ action: result.actions[index]! }) }));
  });
}

import { Command } from 'commander';
import { WeftError } from '../../src/index.ts';
import { configFor, outputOption, storeOptions, withStore, type StoreFlags } from '../context.ts';
import type { CliIO } from '../io.ts';
import { renderSpecs } from '../print.ts';

/** `weft get [NAME…]`: list the specs of a namespace (or all with -A). */
export function getCommand(io: CliIO): Command {
  const command = new Command('get')
    .description('list specs, or the named ones')
    .argument('[names...]', 'spec names')
    .option('-A, --all-namespaces', 'list every namespace');
  return outputOption(storeOptions(command)).action(async (names: string[], flags: StoreFlags & { allNamespaces?: boolean }) => {
    const config = configFor(io, flags);
    const namespace = flags.allNamespaces ? undefined : config.namespace;
    const specs = await withStore(io, config, (store) => store.find({ namespace, name: names.length > 0 ? names : undefined }));
    const format = flags.output ?? 'table';
    if (specs.length === 0 && format === 'table') io.stderr.write(`No specs found${namespace === undefined ? '' : ` in namespace ${namespace}`}.\n`);
    else io.stdout.write(renderSpecs(specs, format));
    const missing = names.filter((name) => !specs.some((spec) => spec.name === name));
    if (missing.length > 0) {
      throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: missing.map((name) => `${namespace ?? '*'}/${name}`).join(', ') });
    }
  });
}

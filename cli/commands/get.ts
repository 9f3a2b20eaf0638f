import { Command } from 'commander';
import { WeftError } from '../../src/index.ts';
import { configFor, outputOption, storeOptions, type StoreFlags } from '../context.ts';
import { withExistingStore } from '../with-existing-store.ts';
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
    const specs = await withExistingStore(io, config, (store) => store.find({ namespace, name: names.length > 0 ? names : undefined }), 'reading');
    const format = flags.output ?? 'table';
    // Named specs that are missing are reported as ERR_SPEC_NOT_FOUND below, not as an empty namespace.
    if (specs.length === 0 && format === 'table') {
      if (names.length === 0) io.stderr.write(`No specs found${namespace === undefined ? '' : ` in namespace ${namespace}`}.\n`);
    } else io.stdout.write(renderSpecs(specs, format));
    const missing = names.filter((name) => !specs.some((spec) => spec.name === name));
    if (missing.length > 0) {
      throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: missing.map((name) => `${namespace ?? '*'}/${name}`).join(', ') });
    }
  });
}

import { WeftError } from '../../src/errors/index.ts';
import { configFor } from '../config-for.ts';
import type { GetFlags } from '../commands/get.ts';
import { withExistingStore } from '../with-existing-store.ts';
import type { CliIO } from '../io.ts';
import { renderSpecs } from '../print.ts';

/** Runs `weft get` (its definition: cli/commands/get.ts). */
export async function runGet(io: CliIO, names: string[], flags: GetFlags): Promise<void> {
  const config = configFor(io, { namespace: flags.namespace, store: flags.store });
  const namespace = flags.allNamespaces ? undefined : config.namespace;
  const specs = await withExistingStore(io, config, (store) => store.find({ namespace, name: names.length > 0 ? names : undefined }), 'reading');
  const format = flags.output ?? 'table';
  // Named specs that are missing are reported as ERR_SPEC_NOT_FOUND below, not as an empty namespace.
  if (specs.length === 0 && (format === 'table' || format === 'wide')) {
    if (names.length === 0) io.stderr.write(`No specs found${namespace === undefined ? '' : ` in namespace ${namespace}`}.\n`);
  } else io.stdout.write(renderSpecs(specs, format));
  const missing = names.filter((name) => !specs.some((spec) => spec.name === name));
  if (missing.length > 0) {
    throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: missing.map((name) => `${namespace ?? '*'}/${name}`).join(', ') });
  }
}

import { normalizeSpec, WeftError, type StoredSpec } from '../../src/index.ts';
import { configFor } from '../config-for.ts';
import { withStore } from '../with-store.ts';
import type { StoreFlags } from '../options.ts';
import type { CliIO } from '../io.ts';
import { deleteTargets } from '../delete-targets.ts';
import { findStored } from '../prepare-specs.ts';
import { readSpecs } from '../read-specs.ts';

/** Runs `weft delete` (its definition: cli/commands/delete.ts). */
export async function runDelete(io: CliIO, names: string[], flags: StoreFlags & { filename?: string[] }): Promise<void> {
  const config = configFor(io, flags);
  const wanted = [
    ...names.map((name) => normalizeSpec({ kind: '', name }, config.namespace)),
    ...deleteTargets(await readSpecs(flags.filename ?? [], io), config.namespace),
  ];
  if (wanted.length === 0) throw new WeftError('ERR_CONFIG_INVALID', { reason: 'name at least one spec, or give -f' });
  const deleted = await withStore(io, config, async (store) => {
    const namespaces = [...new Set(wanted.map((spec) => spec.namespace!))];
    const stored = (await Promise.all(namespaces.map((namespace) => store.find({ namespace })))).flat();
    const unnamed = names.filter((name) => !stored.some((spec) => spec.name === name && spec.namespace === config.namespace));
    const byId = unnamed.length === 0 ? [] : await store.find({ id: unnamed });
    const found: StoredSpec[] = [];
    const missing: string[] = [];
    for (const spec of wanted) {
      const match = findStored(spec, stored) ?? (spec.id === undefined ? byId.find((candidate) => candidate.id === spec.name) : undefined);
      if (match === undefined) missing.push(`${spec.namespace}/${spec.name ?? spec.id}`);
      else if (!found.includes(match)) found.push(match);
    }
    if (missing.length > 0) throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: missing.join(', ') });
    return store.delete({ id: found.map((spec) => spec.id) });
  });
  for (const spec of deleted) io.stdout.write(`${spec.kind}/${spec.name ?? spec.id} deleted\n`);
}

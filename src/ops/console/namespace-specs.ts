import { stringify } from 'yaml';
import type { Runtime } from '../../runtime/index.ts';
import type { StoredSpec } from '../../spec/index.ts';
import type { SymbolState } from '../../symbol/index.ts';
import { errorJson } from '../control/json-payload.ts';

/** One spec of a running namespace as the console shows it: the stored spec (templates unresolved), its YAML and its node's state. */
export interface ConsoleSpec {
  readonly id: string;
  readonly name?: string;
  readonly kind: string;
  readonly revision: number;
  readonly state: SymbolState;
  /** Links that do not resolve (why an inactive node waits). */
  readonly problems: readonly string[];
  /** Why the node failed to activate or load. */
  readonly error?: { code: string; category: string; message: string };
  /** A newer revision that failed to load while this one keeps running. */
  readonly pendingError?: { code: string; category: string; message: string; revision: number };
  readonly yaml: string;
  readonly spec: StoredSpec;
}

/**
 * The specs a runtime runs (the symbol table's, as stored: `{{ values.… }}` templates are not
 * resolved, so no secret shows) and those that fail to load, each with its node's state.
 */
export function namespaceSpecs(runtime: Runtime): ConsoleSpec[] {
  const entries: ConsoleSpec[] = [];
  const failures = runtime.loader.failures;
  for (const symbol of runtime.table.symbols) {
    const spec = symbol.spec as StoredSpec;
    const pending = failures.get(symbol.id);
    entries.push({
      ...identity(spec),
      state: symbol.state,
      problems: symbol.problems,
      ...(symbol.error === undefined ? {} : { error: errorJson(symbol.error) }),
      ...(pending === undefined ? {} : { pendingError: { ...errorJson(pending.error), revision: pending.spec.revision } }),
      yaml: stringify(spec),
      spec,
    });
  }
  for (const [id, failure] of failures) {
    if (runtime.table.get(id) !== undefined) continue;
    entries.push({ ...identity(failure.spec), state: 'failed', problems: [], error: errorJson(failure.error), yaml: stringify(failure.spec), spec: failure.spec });
  }
  return entries;
}

function identity(spec: StoredSpec): Pick<ConsoleSpec, 'id' | 'name' | 'kind' | 'revision'> {
  return { id: spec.id, ...(spec.name === undefined ? {} : { name: spec.name }), kind: spec.kind, revision: spec.revision };
}

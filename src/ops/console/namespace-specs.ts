import { stringify } from 'yaml';
import type { Runtime } from '../../runtime/index.ts';
import type { StoredSpec } from '../../spec/index.ts';
import type { SymbolState } from '../../symbol/index.ts';
import { errorJson } from '../control/json-payload.ts';

/** One spec of a running namespace as the console shows it: the stored spec (templates unresolved) and its node's state. */
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
  readonly spec: StoredSpec;
}

/** The YAML text of stored specs, made once per spec object (a symbol keeps its spec until it reloads). */
const yamlTexts = new WeakMap<StoredSpec, string>();

/** A stored spec as YAML (cached per spec object). */
export function specYaml(spec: StoredSpec): string {
  let text = yamlTexts.get(spec);
  if (text === undefined) yamlTexts.set(spec, (text = stringify(spec)));
  return text;
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
      spec,
    });
  }
  for (const [id, failure] of failures) {
    if (runtime.table.get(id) !== undefined) continue;
    entries.push({ ...identity(failure.spec), state: 'failed', problems: [], error: errorJson(failure.error), spec: failure.spec });
  }
  return entries;
}

function identity(spec: StoredSpec): Pick<ConsoleSpec, 'id' | 'name' | 'kind' | 'revision'> {
  return { id: spec.id, ...(spec.name === undefined ? {} : { name: spec.name }), kind: spec.kind, revision: spec.revision };
}

import type { StoredSpec } from '../../spec/index.ts';
import type { SpecChange, SpecTable } from '../write-specs.ts';

/**
 * The SpecTable of one PostgreSQL write: `writeSpecs` is synchronous, so the store first reads
 * (under the write lock) every row the call can touch — the ids and the (namespace, name)
 * pairs its specs carry — and this table answers from them, seeing the call's own `put`s.
 * `put` only stages: the store writes the changes `writeSpecs` returns in a few statements.
 */
export class StagedSpecs implements SpecTable {
  readonly #byId = new Map<string, StoredSpec>();
  readonly #byName = new Map<string, string>();

  constructor(rows: readonly StoredSpec[]) {
    for (const spec of rows) this.#index(spec);
  }

  byId(id: string): StoredSpec | undefined {
    return this.#byId.get(id);
  }

  byName(namespace: string, name: string): StoredSpec | undefined {
    const id = this.#byName.get(nameKey(namespace, name));
    return id === undefined ? undefined : this.#byId.get(id);
  }

  put(change: SpecChange): void {
    const previous = change.previous;
    if (previous?.name !== undefined && this.#byName.get(nameKey(previous.namespace, previous.name)) === previous.id) {
      this.#byName.delete(nameKey(previous.namespace, previous.name));
    }
    this.#index(change.spec);
  }

  #index(spec: StoredSpec): void {
    this.#byId.set(spec.id, spec);
    if (spec.name !== undefined) this.#byName.set(nameKey(spec.namespace, spec.name), spec.id);
  }
}

function nameKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

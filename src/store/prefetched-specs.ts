import type { StoredSpec } from '../spec/index.ts';
import type { SpecChange, SpecTable } from './write-specs.ts';

/**
 * The SpecTable of one write on a networked store (PostgreSQL, MongoDB): `writeSpecs` is
 * synchronous, so the store first reads every stored spec the call can touch (its ids and its
 * (namespace, name) pairs, under the store's write lock or in its transaction) and this table
 * answers from them, seeing the call's own `put`s. `put` only stages: the store writes the
 * changes afterwards (they are also kept here, in call order).
 */
export class PrefetchedSpecs implements SpecTable {
  readonly #byId = new Map<string, StoredSpec>();
  readonly #byName = new Map<string, string>();
  readonly #changes: SpecChange[] = [];

  constructor(specs: Iterable<StoredSpec>) {
    for (const spec of specs) this.#index(spec);
  }

  /** The changes `put` so far, in call order. */
  get changes(): readonly SpecChange[] {
    return this.#changes;
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
    this.#changes.push(change);
  }

  #index(spec: StoredSpec): void {
    this.#byId.set(spec.id, spec);
    if (spec.name !== undefined) this.#byName.set(nameKey(spec.namespace, spec.name), spec.id);
  }
}

function nameKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

import type { StoredSpec } from '../../spec/index.ts';
import type { SpecChange, SpecTable } from '../write-specs.ts';

/**
 * A SpecTable over specs read at the start of a MongoDB transaction (see `prefetchQuery`):
 * lookups answer from them and from the changes already `put` by the same call, and the
 * changes are kept in order for the transaction to write afterwards. This keeps `writeSpecs`
 * synchronous although every MongoDB read is a network round trip.
 */
export class PrefetchedTable implements SpecTable {
  readonly #byId = new Map<string, StoredSpec>();
  /** (namespace, name) → id, or undefined once a change of this call gave the name up. */
  readonly #byName = new Map<string, string | undefined>();
  readonly #changes: SpecChange[] = [];

  constructor(specs: Iterable<StoredSpec>) {
    for (const spec of specs) {
      this.#byId.set(spec.id, spec);
      if (spec.name !== undefined) this.#byName.set(nameKey(spec.namespace, spec.name), spec.id);
    }
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
    const { previous, spec } = change;
    if (previous?.name !== undefined) this.#byName.set(nameKey(previous.namespace, previous.name), undefined);
    this.#byId.set(spec.id, spec);
    if (spec.name !== undefined) this.#byName.set(nameKey(spec.namespace, spec.name), spec.id);
    this.#changes.push(change);
  }
}

function nameKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

import type { StoredSpec } from '../../spec/index.ts';
import { matchFilter } from '../match-filter.ts';
import type { SpecFilter } from '../spec-store.ts';
import type { SpecChange, SpecTable } from '../write-specs.ts';

/** A SpecTable over MemorySpecs whose writes stay staged until `commit`. */
export interface StagedSpecs extends SpecTable {
  commit(): void;
}

/**
 * The specs of a MemoryStore, by id and by (namespace, name). Holds frozen-by-convention
 * objects: a write replaces an entry and never mutates it, so change-log entries can share them.
 */
export class MemorySpecs {
  readonly #byId = new Map<string, StoredSpec>();
  readonly #byName = new Map<string, string>();

  /** The specs matching `filter`, in id order (not copies). */
  find(filter: SpecFilter = {}): StoredSpec[] {
    const ids = typeof filter.id === 'string' ? [filter.id] : filter.id;
    const candidates = ids === undefined ? this.#byId.values() : ids.flatMap((id) => this.#byId.get(id) ?? []);
    const found = [...new Set(candidates)].filter((spec) => matchFilter(spec, filter));
    return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Removes a spec. */
  remove(spec: StoredSpec): void {
    this.#byId.delete(spec.id);
    if (spec.name !== undefined) this.#byName.delete(nameKey(spec.namespace, spec.name));
  }

  /** A write view: lookups see the staged changes, `commit` makes them the store's. */
  stage(): StagedSpecs {
    const ids = new Map<string, StoredSpec>();
    const names = new Map<string, string | undefined>();
    const byId = (id: string): StoredSpec | undefined => ids.get(id) ?? this.#byId.get(id);
    return {
      byId,
      byName: (namespace, name) => {
        const key = nameKey(namespace, name);
        const id = names.has(key) ? names.get(key) : this.#byName.get(key);
        return id === undefined ? undefined : byId(id);
      },
      put: (change: SpecChange) => {
        if (change.previous?.name !== undefined) names.set(nameKey(change.previous.namespace, change.previous.name), undefined);
        ids.set(change.spec.id, change.spec);
        if (change.spec.name !== undefined) names.set(nameKey(change.spec.namespace, change.spec.name), change.spec.id);
      },
      commit: () => {
        for (const [id, spec] of ids) this.#byId.set(id, spec);
        for (const [key, id] of names) {
          if (id === undefined) this.#byName.delete(key);
          else this.#byName.set(key, id);
        }
      },
    };
  }
}

function nameKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

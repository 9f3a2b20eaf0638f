import { newSpecId } from '../new-spec-id.ts';
import type { PreparedValue } from '../values/prepare-value.ts';
import { byValueName } from '../values/value-record.ts';
import type { StoredValue, ValueFilter } from '../value-store.ts';

/** The values of a MemoryStore by (namespace, name); entries are replaced, never mutated. */
export class MemoryValues {
  readonly #values = new Map<string, StoredValue>();

  /** The values matching `filter`, ordered by namespace and name (not copies). */
  find(filter: ValueFilter = {}): StoredValue[] {
    const names = typeof filter.name === 'string' ? [filter.name] : filter.name;
    return [...this.#values.values()].filter((value) => (filter.namespace === undefined || value.namespace === filter.namespace) && (names === undefined || names.includes(value.name))).sort(byValueName);
  }

  /** Writes all the values (all checked already) and returns them as stored. */
  put(values: readonly PreparedValue[]): StoredValue[] {
    const now = new Date().toISOString();
    return values.map((value) => {
      const key = `${value.namespace}\u0000${value.name}`;
      const current = this.#values.get(key);
      const stored: StoredValue = {
        id: current?.id ?? newSpecId(),
        namespace: value.namespace,
        name: value.name,
        data: value.data,
        secret: value.secret,
        revision: (current?.revision ?? 0) + 1,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      };
      this.#values.set(key, stored);
      return stored;
    });
  }

  /** Removes a value. */
  remove(value: StoredValue): void {
    this.#values.delete(`${value.namespace}\u0000${value.name}`);
  }
}

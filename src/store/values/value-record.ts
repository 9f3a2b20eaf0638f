import type { StoredValue, ValueChange } from '../value-store.ts';

/** The change-log entry of a value write or delete: its identity, never its data. */
export function valueChange(value: StoredValue, deleted: boolean): ValueChange {
  return { namespace: value.namespace, name: value.name, revision: value.revision, secret: value.secret, deleted };
}

/** Orders values by namespace, then name (code-point order, as every store sorts). */
export function byValueName(a: StoredValue, b: StoredValue): number {
  const left = `${a.namespace}\u0000${a.name}`;
  const right = `${b.namespace}\u0000${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

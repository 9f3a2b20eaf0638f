/** A JSON value kept in the values collection. */
export type ValueData = null | boolean | number | string | readonly ValueData[] | { readonly [key: string]: ValueData };

/** Selects values: every given field must match; an array field matches any of its values. */
export interface ValueFilter {
  readonly namespace?: string;
  readonly name?: string | readonly string[];
}

/** A value to write: `data` of a secret is the sealed envelope (see `sealSecret`), never clear text. */
export interface ValueInput {
  readonly namespace?: string;
  readonly name: string;
  readonly data: ValueData;
  readonly secret?: boolean;
}

/** A value as stored: identity, revision (1 on insert, +1 on each write) and ISO-8601 timestamps. */
export interface StoredValue {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly data: ValueData;
  readonly secret: boolean;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the change feed says about a value: its identity after the write, never its data. */
export interface ValueChange {
  readonly namespace: string;
  readonly name: string;
  readonly revision: number;
  readonly secret: boolean;
  readonly deleted: boolean;
}

/**
 * The values collection a store keeps beside its specs (reference §13.12), unique by
 * (namespace, name). Every write call is one transaction and logs one `value` change per value
 * in the store's change feed, delivered to streams opened with `watch(filter, {values: true})`.
 * The log carries the identity only: the data (a secret's envelope too) is read with `findValues`.
 * A store does not encrypt: a caller seals secrets first, and a store refuses a secret whose data
 * is not a sealed envelope (ERR_VALUE_INVALID).
 */
export interface ValueStore {
  /** Values matching the filter, ordered by namespace, then name. */
  findValues(filter?: ValueFilter): Promise<StoredValue[]>;
  /** Inserts or replaces each value by (namespace, name); a replaced value keeps its id and creation time. */
  putValues(values: readonly ValueInput[]): Promise<StoredValue[]>;
  /** Deletes the matching values and returns them as they were. */
  deleteValues(filter: ValueFilter): Promise<StoredValue[]>;
}

/** True when the store keeps values (every built-in driver does). */
export function isValueStore(store: object): store is ValueStore {
  const candidate = store as Partial<ValueStore>;
  return typeof candidate.findValues === 'function' && typeof candidate.putValues === 'function' && typeof candidate.deleteValues === 'function';
}

import type { Spec, StoredSpec } from '../spec/index.ts';
import type { ValueChange } from './value-store.ts';

/** Selects specs: every given field must match; an array field matches any of its values. */
export interface SpecFilter {
  readonly namespace?: string;
  readonly id?: string | readonly string[];
  readonly name?: string | readonly string[];
  readonly kind?: string | readonly string[];
}

/**
 * What happened to a spec. `reset` means history was lost: reload everything (no id). `value`
 * (only on streams opened with `values: true`) means a value of the namespace was written or
 * deleted: `value` says which.
 */
export type ChangeOp = 'insert' | 'update' | 'delete' | 'reset' | 'value';

/**
 * One change of the feed. `spec` is the stored spec after an insert or update, and the spec as
 * it was before a delete. `token` is an opaque resume position: `watch({after: token})` delivers
 * the changes that come after this one.
 */
export interface ChangeEvent {
  readonly op: ChangeOp;
  readonly id: string;
  readonly namespace: string;
  readonly spec?: StoredSpec;
  /** The value a `value` event is about (its identity; read its data with `findValues`). */
  readonly value?: ValueChange;
  readonly token: string;
}

/** Options of `watch`. */
export interface WatchOptions {
  /** Resume after this token; without it, deliver changes made after the call. */
  readonly after?: string;
  /** Also deliver `value` events for values of the filter's namespace (default false). */
  readonly values?: boolean;
}

/**
 * A live change feed. Iterate it to receive events in commit order; events for one spec are
 * never reordered. `close` ends the iteration. `ready` resolves once the feed is subscribed, so
 * a caller can load the current state after it and lose no change in between.
 */
export interface ChangeStream extends AsyncIterable<ChangeEvent> {
  readonly ready: Promise<void>;
  close(): Promise<void>;
  /**
   * Takes, without waiting, the events already delivered to the stream and not yet read, in
   * order (an empty list when there are none). A reader that just received an event calls it to
   * get the rest of that event's commit, which log-based drivers deliver together, and applies
   * them as one unit. Optional: a stream without it is read one event at a time.
   */
  takeBuffered?(): ChangeEvent[];
}

/** A JSON value a lease holder keeps with its lease (small: a few hundred bytes). */
export type LeaseData = null | boolean | number | string | readonly LeaseData[] | { readonly [key: string]: LeaseData };

/** A lease as its holder got it: who holds `key`, until when, and the data kept with it. */
export interface Lease {
  readonly key: string;
  readonly holder: string;
  /** When it lapses unless renewed, in epoch milliseconds of the clock the driver uses (see docs/stores.md). */
  readonly expiresAt: number;
  /** The last data written with the lease (by this holder or a former one); undefined when none was. */
  readonly data?: LeaseData;
}

/**
 * Leases elect one holder per key among engines that share a store (a `leader: true`
 * schedule). The record outlives its holders: a new holder sees the data the last one wrote.
 */
export interface LeaseStore {
  /**
   * Takes or renews the lease on `key` for `ttlMs` when it is free, expired, or already held by
   * `holder`, atomically (of concurrent callers on any engine, exactly one gets a free lease);
   * writes `data` with it when given, else keeps the stored data. Resolves to the lease, or to
   * null when another holder has it and it has not expired.
   */
  acquireLease(key: string, holder: string, ttlMs: number, data?: LeaseData): Promise<Lease | null>;
  /**
   * Gives the lease up if `holder` has it, so another may take it at once; the data stays.
   * Resolves to true when it was held by `holder`.
   */
  releaseLease(key: string, holder: string): Promise<boolean>;
}

/**
 * Where specs live. Every driver passes the conformance suite in test/conformance/. Each write
 * call is one transaction: all of its specs are written or none (a failure names the spec and
 * stores nothing). Stores enforce a unique (namespace, name) for named specs, generate UUIDv7
 * ids, fill `namespace` with `default`, and keep `revision` (1 on insert, +1 on update). Stores
 * do not validate kinds: callers validate with the Scheme first.
 */
export interface SpecStore extends LeaseStore {
  /** The URL the store was opened with, credentials removed. */
  readonly url: string;
  /** Specs matching the filter, in id order (UUIDv7: creation order). */
  find(filter?: SpecFilter): Promise<StoredSpec[]>;
  /** Inserts new specs. ERR_NAME_TAKEN / ERR_ID_TAKEN when one collides. */
  insert(specs: readonly Spec[]): Promise<StoredSpec[]>;
  /** Replaces whole specs by id. ERR_SPEC_NOT_FOUND, ERR_NAMESPACE_IMMUTABLE, ERR_NAME_TAKEN. */
  update(specs: readonly Spec[]): Promise<StoredSpec[]>;
  /**
   * Inserts or replaces each spec: matched by id when it has one, else by (namespace, name);
   * a matched spec keeps its id. An unnamed spec without id is inserted.
   */
  upsert(specs: readonly Spec[]): Promise<StoredSpec[]>;
  /** Deletes the matching specs and returns them. An empty filter deletes every spec. */
  delete(filter: SpecFilter): Promise<StoredSpec[]>;
  /** Subscribes to changes of specs matching `filter` (usually a namespace). */
  watch(filter?: SpecFilter, options?: WatchOptions): ChangeStream;
  /** Closes open streams and connections (idempotent). */
  close(): Promise<void>;
  /**
   * Whether the store is connected and its change feed live, for readiness probes: cheap and
   * synchronous (a state it already keeps, no round trip). Optional: a store without it (an
   * in-process one) counts as always ready.
   */
  health?(): StoreHealth;
}

/** What `SpecStore.health` answers: ok, or not with the reason (`change feed reconnecting`). */
export interface StoreHealth {
  readonly ok: boolean;
  readonly reason?: string;
}

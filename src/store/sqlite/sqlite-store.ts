import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { resolve } from 'node:path';
import { WeftError } from '../../errors/index.ts';
import type { StoredSpec } from '../../spec/index.ts';
import { changeRetention, type ChangeRetention } from '../change-retention.ts';
import { LoggedSpecStore } from '../logged-spec-store.ts';
import type { PreparedSpec } from '../prepare-spec.ts';
import type { Lease, SpecFilter } from '../spec-store.ts';
import { writeSpecs, type WriteMode } from '../write-specs.ts';
import { openDatabase } from './open-database.ts';
import { SqliteChangeLog } from './sqlite-change-log.ts';
import { SqliteLeases } from './sqlite-leases.ts';
import { SqliteSpecs } from './sqlite-specs.ts';
import { SqliteValues } from './sqlite-values.ts';
import type { PreparedValue } from '../values/prepare-value.ts';
import { valueChange } from '../values/value-record.ts';
import type { StoredValue, ValueFilter } from '../value-store.ts';
import { isBusy, storeError } from './store-error.ts';
import { transaction } from './transaction.ts';

/** Options of a SqliteStore. */
export interface SqliteStoreOptions extends ChangeRetention {
  /** The database file (created with its folder when missing), or `:memory:`. */
  readonly path: string;
  /** What a relative `path` is relative to (default: the process's working directory). */
  readonly cwd?: string;
  /** The URL the store reports (default `sqlite://` + path). */
  readonly url?: string;
  /** How long a write waits for another process's write lock (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** How often open watches look for commits of other processes (default 10 ms). */
  readonly pollIntervalMs?: number;
}

/**
 * The `sqlite://PATH` store, weft's embedded default, on Node's built-in `node:sqlite`. Several
 * processes may share one file: each write call is one `BEGIN IMMEDIATE` transaction that also
 * logs its changes, and watchers poll that log (a `PRAGMA data_version` check per tick), so a
 * commit of another process reaches them within about one poll interval. The poll timer keeps
 * the process alive only while some reader is waiting for an event.
 */
export class SqliteStore extends LoggedSpecStore {
  readonly url: string;
  readonly #db: DatabaseSync;
  readonly #specs: SqliteSpecs;
  readonly #log: SqliteChangeLog;
  readonly #leases: SqliteLeases;
  readonly #values: SqliteValues;
  readonly #dataVersion: StatementSync;
  readonly #pollIntervalMs: number;
  #lastVersion = -1;
  #behind = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SqliteStoreOptions) {
    const path = options.path === ':memory:' ? options.path : resolve(options.cwd ?? process.cwd(), options.path);
    const db = openDatabase(path, options.busyTimeoutMs ?? 5000);
    let prepared: { log: SqliteChangeLog; specs: SqliteSpecs; leases: SqliteLeases; values: SqliteValues; dataVersion: StatementSync };
    try {
      prepared = { log: new SqliteChangeLog({ db, retention: changeRetention(options) }), specs: new SqliteSpecs({ db }), leases: new SqliteLeases({ db }), values: new SqliteValues({ db }), dataVersion: db.prepare('PRAGMA data_version') };
    } catch (thrown) {
      db.close();
      throw storeError(thrown);
    }
    super({ source: prepared.log });
    this.#db = db;
    this.#log = prepared.log;
    this.#specs = prepared.specs;
    this.#leases = prepared.leases;
    this.#values = prepared.values;
    this.#dataVersion = prepared.dataVersion;
    this.url = options.url ?? `sqlite://${options.path}`;
    this.#pollIntervalMs = options.pollIntervalMs ?? 10;
  }

  protected readSpecs(filter: SpecFilter): StoredSpec[] {
    return transaction(this.#db, 'deferred', () => this.#specs.find(filter));
  }

  protected commitWrite(mode: WriteMode, specs: readonly PreparedSpec[]): StoredSpec[] {
    const now = Date.now();
    return transaction(this.#db, 'immediate', () => {
      const changes = writeSpecs(mode, specs, this.#specs.table((change) => this.#log.append(change.op, change.spec, now)));
      if (changes.length > 0) this.#log.prune(now);
      return changes.map((change) => change.spec);
    });
  }

  protected commitDelete(filter: SpecFilter): StoredSpec[] {
    const now = Date.now();
    return transaction(this.#db, 'immediate', () => {
      const deleted = this.#specs.find(filter);
      for (const spec of deleted) {
        this.#specs.remove(spec);
        this.#log.append('delete', spec, now);
      }
      if (deleted.length > 0) this.#log.prune(now);
      return deleted;
    });
  }

  protected readValues(filter: ValueFilter): StoredValue[] {
    return transaction(this.#db, 'deferred', () => this.#values.find(filter));
  }

  protected commitValues(values: readonly PreparedValue[]): StoredValue[] {
    const now = Date.now();
    return transaction(this.#db, 'immediate', () => {
      const written = values.map((value) => this.#values.put(value, new Date(now).toISOString()));
      for (const value of written) this.#log.appendValue(value.id, valueChange(value, false), now);
      this.#log.prune(now);
      return written;
    });
  }

  protected commitValueDelete(filter: ValueFilter): StoredValue[] {
    const now = Date.now();
    return transaction(this.#db, 'immediate', () => {
      const deleted = this.#values.find(filter);
      for (const value of deleted) {
        this.#values.remove(value);
        this.#log.appendValue(value.id, valueChange(value, true), now);
      }
      if (deleted.length > 0) this.#log.prune(now);
      return deleted;
    });
  }

  protected takeLease(key: string, holder: string, ttlMs: number, data: string | undefined): Lease | null {
    return this.#leases.acquire(key, holder, ttlMs, data);
  }

  protected dropLease(key: string, holder: string): boolean {
    return this.#leases.release(key, holder);
  }

  protected release(): void {
    this.#stopPolling();
    this.#db.close();
  }

  /** Pushes logged changes to the open streams; on a lock conflict the next tick tries again. */
  protected override deliver(): void {
    if (this.feed.size === 0) return;
    try {
      this.#behind = true;
      this.feed.pump();
      this.#behind = false;
    } catch (thrown) {
      this.#onFeedError(thrown);
    }
  }

  protected override watching(): void {
    this.#timer ??= setInterval(() => this.#tick(), this.#pollIntervalMs);
    this.readersChanged(this.feed.readers);
  }

  /** The poll timer keeps the process alive only while a reader waits for an event. */
  protected override readersChanged(count: number): void {
    if (count > 0) this.#timer?.ref();
    else this.#timer?.unref();
  }

  /** Looks for commits of other connections: the data version moves only when one happened. */
  #tick(): void {
    if (this.feed.size === 0) return this.#stopPolling();
    try {
      const version = (this.#dataVersion.get() as { data_version: number }).data_version;
      if (version === this.#lastVersion && !this.#behind) return;
      this.#lastVersion = version;
      this.deliver();
    } catch (thrown) {
      this.#onFeedError(thrown);
    }
  }

  #onFeedError(thrown: unknown): void {
    const cause = thrown instanceof WeftError && thrown.cause !== undefined ? thrown.cause : thrown;
    if (!isBusy(cause)) this.feed.fail(storeError(thrown));
  }

  #stopPolling(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

import type { Pool } from 'pg';
import { WeftError } from '../../errors/index.ts';
import type { Spec, StoredSpec } from '../../spec/index.ts';
import { changeRetention } from '../change-retention.ts';
import { prepareSpec } from '../prepare-spec.ts';
import { leaseArguments } from '../lease/lease-arguments.ts';
import type { ChangeStream, Lease, LeaseData, SpecFilter, SpecStore, StoreHealth, WatchOptions } from '../spec-store.ts';
import { writeSpecs, type WriteMode } from '../write-specs.ts';
import { assertStorable } from './assert-storable.ts';
import { storeError } from './pg-error.ts';
import { PostgresChangeFeed } from './postgres-change-feed.ts';
import { PostgresChangeLog } from './postgres-change-log.ts';
import { PostgresLeases } from './postgres-leases.ts';
import { PostgresListener } from './postgres-listener.ts';
import { postgresNames } from './postgres-names.ts';
import { ensureSchema } from './postgres-schema.ts';
import { PostgresSpecs } from './postgres-specs.ts';
import { PostgresValues } from './postgres-values.ts';
import { prepareValue } from '../values/prepare-value.ts';
import { valueChange } from '../values/value-record.ts';
import type { StoredValue, ValueFilter, ValueInput, ValueStore } from '../value-store.ts';
import type { PostgresStoreOptions } from './postgres-store-options.ts';
import { parsePostgresUrl } from './postgres-url.ts';
import { PrefetchedSpecs } from '../prefetched-specs.ts';
import { silentStoreLogger } from './store-logger.ts';
import { transaction } from './transaction.ts';

interface Parts {
  readonly url: string;
  readonly pool: Pool;
  readonly specs: PostgresSpecs;
  readonly log: PostgresChangeLog;
  readonly listener: PostgresListener;
  readonly feed: PostgresChangeFeed;
  readonly leases: PostgresLeases;
  readonly values: PostgresValues;
}

/**
 * The `postgres://` store: specs as JSONB rows of one table, a change-log table numbered under
 * a per-store write lock (so seq order is commit order), and LISTEN/NOTIFY from a trigger to
 * wake watchers in every process. Each write call is one transaction. The feed's connection
 * reconnects with backoff and replays the log, so changes made while it was cut off arrive.
 * `pg` is imported by `open`, so loading weft does not load it.
 */
export class PostgresStore implements SpecStore, ValueStore {
  readonly url: string;
  readonly #pool: Pool;
  readonly #specs: PostgresSpecs;
  readonly #log: PostgresChangeLog;
  readonly #listener: PostgresListener;
  readonly #feed: PostgresChangeFeed;
  readonly #leases: PostgresLeases;
  readonly #values: PostgresValues;
  #closing: Promise<void> | undefined;

  private constructor(parts: Parts) {
    this.url = parts.url;
    this.#pool = parts.pool;
    this.#specs = parts.specs;
    this.#log = parts.log;
    this.#listener = parts.listener;
    this.#feed = parts.feed;
    this.#leases = parts.leases;
    this.#values = parts.values;
  }

  /**
   * Connects, creates the tables when missing, and returns the store. Throws
   * ERR_STORE_URL_INVALID for a bad URL and ERR_STORE_UNAVAILABLE (naming the reason) when
   * the server cannot be reached or refuses.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const location = parsePostgresUrl(options.url);
    const names = postgresNames(location.schema, location.table);
    const logger = options.logger ?? silentStoreLogger;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    const queryTimeoutMs = options.queryTimeoutMs ?? 15_000;
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: location.connectionString,
      application_name: 'weft',
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: connectTimeoutMs,
      lock_timeout: options.lockTimeoutMs ?? 5000,
      query_timeout: queryTimeoutMs,
      keepAlive: true,
      allowExitOnIdle: true,
    });
    // An idle pooled connection that dies is dropped and replaced by the pool; without a
    // listener its `error` event would crash the process.
    pool.on('error', (error) => logger.debug({ store: location.redacted, reason: error.message }, 'store: an idle connection was lost'));
    try {
      await ensureSchema(pool, names);
    } catch (thrown) {
      await pool.end().catch(() => {});
      throw storeError(thrown);
    }
    const log = new PostgresChangeLog({ names, retention: changeRetention(options) });
    const listener = new PostgresListener({
      newClient: () => new pg.Client({ connectionString: location.listenConnectionString, application_name: names.listenerName, connectionTimeoutMillis: connectTimeoutMs, query_timeout: queryTimeoutMs, keepAlive: true }),
      channel: names.channel,
      url: location.redacted,
      logger,
      reconnect: options.reconnect ?? {},
      heartbeatMs: options.heartbeatMs ?? 10_000,
      // Called only once a stream subscribes, after `feed` is set.
      onNotify: (payload) => feed.notified(payload),
      onListening: () => void feed.wake(),
    });
    const feed = new PostgresChangeFeed({ db: pool, log, listener, logger, url: location.redacted });
    return new PostgresStore({ url: location.redacted, pool, specs: new PostgresSpecs({ names }), log, listener, feed, leases: new PostgresLeases({ names }), values: new PostgresValues({ names }) });
  }

  async find(filter: SpecFilter = {}): Promise<StoredSpec[]> {
    this.#assertOpen();
    try {
      return await this.#specs.find(this.#pool, filter);
    } catch (thrown) {
      throw storeError(thrown);
    }
  }

  async insert(specs: readonly Spec[]): Promise<StoredSpec[]> {
    return this.#write('insert', specs);
  }

  async update(specs: readonly Spec[]): Promise<StoredSpec[]> {
    return this.#write('update', specs);
  }

  async upsert(specs: readonly Spec[]): Promise<StoredSpec[]> {
    return this.#write('upsert', specs);
  }

  async delete(filter: SpecFilter): Promise<StoredSpec[]> {
    this.#assertOpen();
    await this.#feed.subscribed();
    const deleted = await transaction(this.#pool, async (client) => {
      const head = await this.#log.lock(client);
      const removed = await this.#specs.remove(client, filter);
      await this.#log.append(client, head, removed.map((spec) => ({ op: 'delete' as const, spec })));
      return removed;
    });
    if (deleted.length > 0) await this.#feed.wake();
    return deleted;
  }

  watch(filter: SpecFilter = {}, options: WatchOptions = {}): ChangeStream {
    this.#assertOpen();
    return this.#feed.watch(filter, options);
  }

  async findValues(filter: ValueFilter = {}): Promise<StoredValue[]> {
    this.#assertOpen();
    try {
      return await this.#values.find(this.#pool, filter);
    } catch (thrown) {
      throw storeError(thrown);
    }
  }

  async putValues(values: readonly ValueInput[]): Promise<StoredValue[]> {
    this.#assertOpen();
    const prepared = values.map((value) => prepareValue(value));
    if (prepared.length === 0) return [];
    await this.#feed.subscribed();
    const written = await transaction(this.#pool, async (client) => {
      const head = await this.#log.lock(client);
      const stored: StoredValue[] = [];
      for (const value of prepared) stored.push(await this.#values.put(client, value));
      await this.#log.append(client, head, stored.map((value) => ({ op: 'value' as const, id: value.id, value: valueChange(value, false) })));
      return stored;
    });
    await this.#feed.wake();
    return written;
  }

  async deleteValues(filter: ValueFilter): Promise<StoredValue[]> {
    this.#assertOpen();
    await this.#feed.subscribed();
    const deleted = await transaction(this.#pool, async (client) => {
      const head = await this.#log.lock(client);
      const removed = await this.#values.remove(client, filter);
      await this.#log.append(client, head, removed.map((value) => ({ op: 'value' as const, id: value.id, value: valueChange(value, true) })));
      return removed;
    });
    if (deleted.length > 0) await this.#feed.wake();
    return deleted;
  }

  async acquireLease(key: string, holder: string, ttlMs: number, data?: LeaseData): Promise<Lease | null> {
    this.#assertOpen();
    const text = leaseArguments(key, holder, ttlMs, data);
    try {
      return await this.#leases.acquire(this.#pool, key, holder, ttlMs, text);
    } catch (thrown) {
      throw storeError(thrown);
    }
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    this.#assertOpen();
    leaseArguments(key, holder);
    try {
      return await this.#leases.release(this.#pool, key, holder);
    } catch (thrown) {
      throw storeError(thrown);
    }
  }

  /** Ends the streams, the LISTEN connection and the pool (idempotent; a write in flight finishes first). */
  /** Ready while the feed's LISTEN connection is up (or not needed yet: no stream open). */
  health(): StoreHealth {
    const state = this.#listener.state;
    if (state === 'listening' || state === 'idle') return { ok: true };
    return { ok: false, reason: state === 'closed' ? 'store closed' : `change feed ${state === 'waiting' ? 'disconnected, reconnecting' : 'connecting'}` };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Idle connections do not keep the process alive (allowExitOnIdle, an unread feed); this
      // timer does, until they have ended, so an awaited close always settles.
      const hold = setInterval(() => {}, 60_000);
      try {
        await this.#feed.close();
        await this.#listener.close();
        await this.#pool.end().catch(() => {});
      } finally {
        clearInterval(hold);
      }
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * One write call in one transaction: take the write lock, read every row the call can touch,
   * apply the shared rules (`writeSpecs`) to them, write the result and log it. It starts once
   * the streams opened before it are subscribed, and resolves once they have its events.
   */
  async #write(mode: WriteMode, input: readonly Spec[]): Promise<StoredSpec[]> {
    this.#assertOpen();
    const specs = input.map((spec, index) => {
      const prepared = prepareSpec(spec);
      assertStorable(prepared, index);
      return prepared;
    });
    if (specs.length === 0) return [];
    await this.#feed.subscribed();
    const written = await transaction(this.#pool, async (client) => {
      const head = await this.#log.lock(client);
      const changes = writeSpecs(mode, specs, new PrefetchedSpecs(await this.#specs.lookup(client, specs)));
      await this.#specs.apply(client, changes);
      await this.#log.append(client, head, changes);
      return changes.map((change) => change.spec);
    });
    await this.#feed.wake();
    return written;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new WeftError('ERR_STORE_CLOSED');
  }
}

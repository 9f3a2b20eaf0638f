import type { MongoClientOptions } from 'mongodb';
import { WeftError } from '../../errors/index.ts';
import type { Spec, StoredSpec } from '../../spec/index.ts';
import type { StoreLogger } from '../postgres/store-logger.ts';
import { prepareSpec } from '../prepare-spec.ts';
import { leaseArguments } from '../lease/lease-arguments.ts';
import type { ChangeStream, Lease, LeaseData, SpecFilter, SpecStore, WatchOptions } from '../spec-store.ts';
import type { WriteMode } from '../write-specs.ts';
import { assertStorable } from './assert-storable.ts';
import { connectMongo, type MongoConnection } from './connect-mongo.ts';
import { DriverChangeSource } from './driver-change-source.ts';
import { MongoLeases, type LeaseDocument } from './mongo-leases.ts';
import { MongoSpecs } from './mongo-specs.ts';
import { MongoValues, type ValueDocument } from './mongo-values.ts';
import { prepareValue } from '../values/prepare-value.ts';
import type { StoredValue, ValueFilter, ValueInput, ValueStore } from '../value-store.ts';
import { ResumingChangeStream, type ReconnectBackoff } from './resuming-change-stream.ts';

/** How long `close` waits for the streams' server cursors to be killed before closing the client. */
const CURSOR_CLOSE_MS = 1000;

/** Options of `MongoStore.open`. */
export interface MongoStoreOptions {
  /**
   * `mongodb://HOST[:PORT][,HOST…]/DATABASE?replicaSet=NAME[&weftCollection=NAME]` or
   * `mongodb+srv://HOST/DATABASE`; every option but weft's goes to the driver.
   */
  readonly url: string;
  /** Options for MongoClient, over those of the URL (tests use them for short timeouts). */
  readonly clientOptions?: MongoClientOptions;
  /** How watches wait between attempts to reopen a broken change stream. */
  readonly reconnect?: ReconnectBackoff;
  /** How long one empty change-stream poll waits on the server (default 1000 ms). */
  readonly maxAwaitTimeMS?: number;
  /** Where watches log outages of their change stream, its recovery and resets (default: nowhere). */
  readonly logger?: StoreLogger;
}

/**
 * The `mongodb://` store: specs as documents of one collection of a replica set or sharded
 * cluster (MongoDB 6.0+), shared by every engine that opens the same URL. Writes of a call are
 * one transaction; watches are change streams that resume across reconnects and reset when
 * the server lost their position. Open it with `MongoStore.open`, which fails fast when the
 * server cannot be used.
 */
export class MongoStore implements SpecStore, ValueStore {
  readonly url: string;
  readonly #specs: MongoSpecs;
  readonly #leases: MongoLeases;
  readonly #values: MongoValues;
  readonly #options: MongoStoreOptions;
  readonly #connection: MongoConnection;
  readonly #streams = new Set<ResumingChangeStream>();
  #closed: Promise<void> | undefined;

  private constructor(connection: MongoConnection, options: MongoStoreOptions) {
    this.url = connection.url;
    this.#connection = connection;
    this.#options = options;
    this.#specs = new MongoSpecs({ client: connection.client, collection: connection.collection });
    const collection = connection.client.db(connection.collection.dbName).collection<LeaseDocument>(`${connection.collection.collectionName}_leases`);
    this.#leases = new MongoLeases({ collection });
    this.#values = new MongoValues({ client: connection.client, collection: connection.client.db(connection.collection.dbName).collection<ValueDocument>(`${connection.collection.collectionName}_values`) });
  }

  async findValues(filter: ValueFilter = {}): Promise<StoredValue[]> {
    this.#assertOpen();
    return this.#values.find(filter);
  }

  async putValues(values: readonly ValueInput[]): Promise<StoredValue[]> {
    this.#assertOpen();
    const prepared = values.map((value) => prepareValue(value));
    return prepared.length === 0 ? [] : this.#values.put(prepared);
  }

  async deleteValues(filter: ValueFilter): Promise<StoredValue[]> {
    this.#assertOpen();
    return this.#values.remove(filter);
  }

  /**
   * Connects, checks the server and prepares the collection (see `connectMongo`): throws
   * ERR_STORE_URL_INVALID, ERR_STORE_UNAVAILABLE or ERR_STORE_UNSUITABLE.
   */
  static async open(options: MongoStoreOptions): Promise<MongoStore> {
    return new MongoStore(await connectMongo(options.url, options.clientOptions), options);
  }

  async find(filter: SpecFilter = {}): Promise<StoredSpec[]> {
    this.#assertOpen();
    return this.#specs.find(filter);
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
    return this.#specs.delete(filter);
  }

  watch(filter: SpecFilter = {}, options: WatchOptions = {}): ChangeStream {
    this.#assertOpen();
    const source = new DriverChangeSource({ collection: this.#connection.collection, namespace: filter.namespace, maxAwaitTimeMS: this.#options.maxAwaitTimeMS });
    const stream: ResumingChangeStream = new ResumingChangeStream({
      source,
      filter,
      after: options.after,
      reconnect: this.#options.reconnect,
      logger: this.#options.logger,
      url: this.url,
      onClose: () => this.#streams.delete(stream),
    });
    this.#streams.add(stream);
    return stream;
  }

  async acquireLease(key: string, holder: string, ttlMs: number, data?: LeaseData): Promise<Lease | null> {
    this.#assertOpen();
    return this.#leases.acquire(key, holder, ttlMs, leaseArguments(key, holder, ttlMs, data));
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    this.#assertOpen();
    leaseArguments(key, holder);
    return this.#leases.release(key, holder);
  }

  /**
   * Ends every stream, then closes the client (idempotent; later calls fail with ERR_STORE_CLOSED).
   * The streams' iterations end at once; their server cursors get a moment to be killed (an
   * unreachable server must not hold the close), then closing the client drops them anyway.
   */
  async close(): Promise<void> {
    this.#closed ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const moment = new Promise<void>((resolve) => (timer = setTimeout(resolve, CURSOR_CLOSE_MS)));
      await Promise.race([Promise.all([...this.#streams].map((stream) => stream.close())), moment]);
      clearTimeout(timer);
      await this.#connection.client.close().catch(() => {});
    })();
    await this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #write(mode: WriteMode, specs: readonly Spec[]): Promise<StoredSpec[]> {
    this.#assertOpen();
    const prepared = specs.map((spec) => prepareSpec(spec));
    prepared.forEach((spec, index) => assertStorable(spec, index));
    return this.#specs.write(mode, prepared);
  }

  #assertOpen(): void {
    if (this.#closed !== undefined) throw new WeftError('ERR_STORE_CLOSED');
  }
}

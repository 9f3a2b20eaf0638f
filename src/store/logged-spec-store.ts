import { WeftError } from '../errors/index.ts';
import type { Spec, StoredSpec } from '../spec/index.ts';
import { ChangeFeed, type ChangeSource } from './change-feed.ts';
import { leaseArguments } from './lease/lease-arguments.ts';
import { prepareSpec, type PreparedSpec } from './prepare-spec.ts';
import type { ChangeStream, Lease, LeaseData, SpecFilter, SpecStore, WatchOptions } from './spec-store.ts';
import type { WriteMode } from './write-specs.ts';
import { prepareValue, type PreparedValue } from './values/prepare-value.ts';
import type { StoredValue, ValueFilter, ValueInput, ValueStore } from './value-store.ts';

/**
 * The frame of the stores that keep their own numbered change log (memory, SQLite): it
 * prepares input specs, refuses calls once closed (ERR_STORE_CLOSED), and runs the change feed
 * over the driver's log. A driver supplies storage: each `commit…` call is one transaction
 * that writes the specs and logs their changes, all or nothing.
 */
export abstract class LoggedSpecStore implements SpecStore, ValueStore {
  abstract readonly url: string;
  /** The change feed over the driver's log; `deliver` pumps it. */
  protected readonly feed: ChangeFeed;
  #closed = false;

  constructor(options: { source: ChangeSource }) {
    this.feed = new ChangeFeed({ source: options.source, onReaders: (count) => this.readersChanged(count) });
  }

  async find(filter: SpecFilter = {}): Promise<StoredSpec[]> {
    this.#assertOpen();
    return this.readSpecs(filter);
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
    const deleted = this.commitDelete(filter);
    this.deliver();
    return deleted;
  }

  watch(filter: SpecFilter = {}, options: WatchOptions = {}): ChangeStream {
    this.#assertOpen();
    const stream = this.feed.watch(filter, options);
    this.watching();
    return stream;
  }

  async findValues(filter: ValueFilter = {}): Promise<StoredValue[]> {
    this.#assertOpen();
    return this.readValues(filter);
  }

  async putValues(values: readonly ValueInput[]): Promise<StoredValue[]> {
    this.#assertOpen();
    const prepared = values.map((value) => prepareValue(value));
    if (prepared.length === 0) return [];
    const written = this.commitValues(prepared);
    this.deliver();
    return written;
  }

  async deleteValues(filter: ValueFilter): Promise<StoredValue[]> {
    this.#assertOpen();
    const deleted = this.commitValueDelete(filter);
    this.deliver();
    return deleted;
  }

  async acquireLease(key: string, holder: string, ttlMs: number, data?: LeaseData): Promise<Lease | null> {
    this.#assertOpen();
    return this.takeLease(key, holder, ttlMs, leaseArguments(key, holder, ttlMs, data));
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    this.#assertOpen();
    leaseArguments(key, holder);
    return this.dropLease(key, holder);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.feed.close();
    this.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The specs matching `filter`, in id order, as copies the caller owns. */
  protected abstract readSpecs(filter: SpecFilter): StoredSpec[];
  /** Writes the specs in one transaction with `writeSpecs`, logging each change; returns copies. */
  protected abstract commitWrite(mode: WriteMode, specs: readonly PreparedSpec[]): StoredSpec[];
  /** Deletes the matching specs in one transaction, logging each; returns them as they were. */
  protected abstract commitDelete(filter: SpecFilter): StoredSpec[];
  /** The values matching `filter`, ordered by namespace and name, as copies. */
  protected abstract readValues(filter: ValueFilter): StoredValue[];
  /** Writes the values in one transaction, logging a `value` change for each; returns copies. */
  protected abstract commitValues(values: readonly PreparedValue[]): StoredValue[];
  /** Deletes the matching values in one transaction, logging each; returns them as they were. */
  protected abstract commitValueDelete(filter: ValueFilter): StoredValue[];
  /** Takes or renews a lease atomically (see `LeaseStore.acquireLease`); `data` is checked JSON text. */
  protected abstract takeLease(key: string, holder: string, ttlMs: number, data: string | undefined): Lease | null;
  /** Gives up a lease `holder` has (see `LeaseStore.releaseLease`). */
  protected abstract dropLease(key: string, holder: string): boolean;
  /** Releases the driver's resources; called once, after the streams have ended. */
  protected abstract release(): void;

  /** Pushes newly logged changes to the open streams; called after each commit. */
  protected deliver(): void {
    this.feed.pump();
  }

  /** Called after a stream opens (a driver that polls starts polling). */
  protected watching(): void {}

  /** Called when the number of streams with a reader waiting for an event changes. */
  protected readersChanged(_count: number): void {}

  #write(mode: WriteMode, specs: readonly Spec[]): StoredSpec[] {
    this.#assertOpen();
    const written = this.commitWrite(mode, specs.map((spec) => prepareSpec(spec)));
    this.deliver();
    return written;
  }

  #assertOpen(): void {
    if (this.#closed) throw new WeftError('ERR_STORE_CLOSED');
  }
}

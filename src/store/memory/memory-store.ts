import type { StoredSpec } from '../../spec/index.ts';
import { changeRetention, type ChangeRetention } from '../change-retention.ts';
import { LoggedSpecStore } from '../logged-spec-store.ts';
import type { PreparedSpec } from '../prepare-spec.ts';
import type { Lease, SpecFilter } from '../spec-store.ts';
import { writeSpecs, type WriteMode } from '../write-specs.ts';
import { MemoryChangeLog } from './memory-change-log.ts';
import { MemoryLeases } from './memory-leases.ts';
import { MemorySpecs } from './memory-specs.ts';
import { MemoryValues } from './memory-values.ts';
import type { PreparedValue } from '../values/prepare-value.ts';
import { valueChange } from '../values/value-record.ts';
import type { StoredValue, ValueFilter } from '../value-store.ts';

/** Options of a MemoryStore: how much change history it keeps for resuming watchers. */
export type MemoryStoreOptions = ChangeRetention;

/**
 * The `memory://` store: specs in this process only, gone when it exits; for tests and
 * throw-away runs. Specs are copied in and out, writes are atomic, and the change feed
 * delivers each commit to the open streams as soon as it is made.
 */
export class MemoryStore extends LoggedSpecStore {
  readonly url = 'memory://';
  readonly #specs = new MemorySpecs();
  readonly #log: MemoryChangeLog;
  readonly #leases = new MemoryLeases();
  readonly #values = new MemoryValues();

  constructor(options: MemoryStoreOptions = {}) {
    const log = new MemoryChangeLog({ retention: changeRetention(options) });
    super({ source: log });
    this.#log = log;
  }

  protected readSpecs(filter: SpecFilter): StoredSpec[] {
    return structuredClone(this.#specs.find(filter));
  }

  protected commitWrite(mode: WriteMode, specs: readonly PreparedSpec[]): StoredSpec[] {
    const staged = this.#specs.stage();
    const changes = writeSpecs(mode, specs, staged);
    staged.commit();
    for (const change of changes) this.#log.append(change.op, change.spec);
    return structuredClone(changes.map((change) => change.spec));
  }

  protected commitDelete(filter: SpecFilter): StoredSpec[] {
    const deleted = this.#specs.find(filter);
    for (const spec of deleted) {
      this.#specs.remove(spec);
      this.#log.append('delete', spec);
    }
    return structuredClone(deleted);
  }

  protected readValues(filter: ValueFilter): StoredValue[] {
    return structuredClone(this.#values.find(filter));
  }

  protected commitValues(values: readonly PreparedValue[]): StoredValue[] {
    const written = this.#values.put(values);
    for (const value of written) this.#log.appendValue(value.id, valueChange(value, false));
    return structuredClone(written);
  }

  protected commitValueDelete(filter: ValueFilter): StoredValue[] {
    const deleted = this.#values.find(filter);
    for (const value of deleted) {
      this.#values.remove(value);
      this.#log.appendValue(value.id, valueChange(value, true));
    }
    return structuredClone(deleted);
  }

  protected takeLease(key: string, holder: string, ttlMs: number, data: string | undefined): Lease | null {
    return this.#leases.acquire(key, holder, ttlMs, data);
  }

  protected dropLease(key: string, holder: string): boolean {
    return this.#leases.release(key, holder);
  }

  protected release(): void {}
}

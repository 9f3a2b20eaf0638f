import { leaseOf } from '../lease/lease-of.ts';
import type { Lease } from '../spec-store.ts';

interface Record {
  holder: string;
  expiresAt: number;
  data: string | undefined;
}

/** The leases of a MemoryStore, on this process's clock. */
export class MemoryLeases {
  readonly #leases = new Map<string, Record>();

  /** Takes or renews `key` for `holder` (see `LeaseStore.acquireLease`); `data` is JSON text. */
  acquire(key: string, holder: string, ttlMs: number, data: string | undefined): Lease | null {
    const now = Date.now();
    const current = this.#leases.get(key);
    if (current !== undefined && current.holder !== holder && current.expiresAt > now) return null;
    const record: Record = { holder, expiresAt: now + ttlMs, data: data ?? current?.data };
    this.#leases.set(key, record);
    return leaseOf(key, record);
  }

  /** Lets go of `key` if `holder` has it: it expires now, its data stays. */
  release(key: string, holder: string): boolean {
    const current = this.#leases.get(key);
    if (current === undefined || current.holder !== holder || current.expiresAt <= Date.now()) return false;
    current.expiresAt = 0;
    return true;
  }
}

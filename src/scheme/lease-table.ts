/**
 * The leases of the runtime's store, as codecs see them (a `leader: true` schedule elects one
 * engine with them). The store's `SpecStore.acquireLease`/`releaseLease` is the contract: take
 * or renew `key` for `holder` for `ttlMs`, atomically across engines, writing `data` when given
 * (else keeping the stored data); null when another holder has it and it has not expired.
 */
export interface LeaseTable {
  acquireLease(key: string, holder: string, ttlMs: number, data?: unknown): Promise<{ readonly holder: string; readonly expiresAt: number; readonly data?: unknown } | null>;
  releaseLease(key: string, holder: string): Promise<boolean>;
}

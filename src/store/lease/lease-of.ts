import type { Lease } from '../spec-store.ts';

/** The lease a driver returns, from its stored fields (data as JSON text). */
export function leaseOf(key: string, record: { holder: string; expiresAt: number; data: string | undefined | null }): Lease {
  const lease: Lease = { key, holder: record.holder, expiresAt: record.expiresAt };
  return record.data === undefined || record.data === null ? lease : { ...lease, data: JSON.parse(record.data) as Lease['data'] };
}

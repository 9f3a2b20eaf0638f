import type { LeaseTable } from '../../../src/index.ts';

interface Held {
  holder: string;
  expiresAt: number;
  data: unknown;
}

/**
 * Leases of this process only, for a runtime whose embedder gave the codecs no store leases
 * (`CodecContext.leases`): one engine alone always wins its election.
 */
export function localLeases(): LeaseTable {
  const leases = new Map<string, Held>();
  return {
    acquireLease: async (key, holder, ttlMs, data) => {
      const now = Date.now();
      const current = leases.get(key);
      if (current !== undefined && current.holder !== holder && current.expiresAt > now) return null;
      const next: Held = { holder, expiresAt: now + ttlMs, data: data === undefined ? current?.data : structuredClone(data) };
      leases.set(key, next);
      return { ...next };
    },
    releaseLease: async (key, holder) => {
      const current = leases.get(key);
      if (current === undefined || current.holder !== holder || current.expiresAt <= Date.now()) return false;
      current.expiresAt = 0;
      return true;
    },
  };
}

import { describe, expect, it } from 'vitest';
import type { SpecStore } from '../../src/index.ts';
import { expectCode, unique, type ConformanceContext } from './conformance-context.ts';
import { openPeer, type Peer } from './peer-store.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases: one holder per key among the engines sharing a backend, with data that outlives holders. */
export function describeLeases(context: ConformanceContext): void {
  describe('leases', () => {
    it('acquire gives a free lease to the caller with its data, until about now + ttl', async () => {
      const key = unique('lease');
      const before = Date.now();
      const lease = await context.store.acquireLease(key, 'engine-a', 5000, { last: '2026-01-01T00:00:00.000Z' });
      expect(lease).toMatchObject({ key, holder: 'engine-a', data: { last: '2026-01-01T00:00:00.000Z' } });
      // The driver may use the database's clock: allow it a second of skew from this process's.
      expect(lease!.expiresAt).toBeGreaterThan(before + 4000);
      expect(lease!.expiresAt).toBeLessThan(Date.now() + 6000);
    });

    it('the holder renews it: the expiry moves on, the data stays unless new data is given', async () => {
      const key = unique('lease');
      const first = await context.store.acquireLease(key, 'engine-a', 2000, { n: 1 });
      await sleep(20);
      const renewed = await context.store.acquireLease(key, 'engine-a', 5000);
      expect(renewed).toMatchObject({ holder: 'engine-a', data: { n: 1 } });
      expect(renewed!.expiresAt).toBeGreaterThan(first!.expiresAt);
      expect(await context.store.acquireLease(key, 'engine-a', 5000, { n: 2 })).toMatchObject({ data: { n: 2 } });
    });

    it('is refused to another holder while it is valid, also through another store on the backend', async () => {
      const key = unique('lease');
      await withPeer(context, async (other) => {
        expect(await context.store.acquireLease(key, 'engine-a', 5000)).not.toBeNull();
        expect(await context.store.acquireLease(key, 'engine-b', 5000)).toBeNull();
        expect(await other.acquireLease(key, 'engine-b', 5000, { stolen: true })).toBeNull();
        expect(await context.store.acquireLease(key, 'engine-a', 5000)).toMatchObject({ holder: 'engine-a' });
        expect((await context.store.acquireLease(key, 'engine-a', 5000))!.data).toBeUndefined();
      });
    });

    it('is taken over once it expired, and the new holder sees the data the old one wrote', async () => {
      const key = unique('lease');
      await withPeer(context, async (other) => {
        expect(await context.store.acquireLease(key, 'engine-a', 300, { last: 7 })).not.toBeNull();
        expect(await other.acquireLease(key, 'engine-b', 5000)).toBeNull();
        await sleep(450);
        expect(await other.acquireLease(key, 'engine-b', 5000)).toMatchObject({ holder: 'engine-b', data: { last: 7 } });
        expect(await context.store.acquireLease(key, 'engine-a', 5000)).toBeNull();
      });
    });

    it('release lets another take it at once; only the holder can release', async () => {
      const key = unique('lease');
      await withPeer(context, async (other) => {
        expect(await context.store.acquireLease(key, 'engine-a', 60_000, { last: 3 })).not.toBeNull();
        expect(await other.releaseLease(key, 'engine-b')).toBe(false);
        expect(await other.acquireLease(key, 'engine-b', 5000)).toBeNull();
        expect(await context.store.releaseLease(key, 'engine-a')).toBe(true);
        expect(await context.store.releaseLease(key, 'engine-a')).toBe(false);
        expect(await other.acquireLease(key, 'engine-b', 5000)).toMatchObject({ holder: 'engine-b', data: { last: 3 } });
      });
      expect(await context.store.releaseLease(unique('never-taken'), 'engine-a')).toBe(false);
    });

    it('of concurrent acquirers on several stores, exactly one wins, round after round', async () => {
      const peers: Peer[] = [];
      try {
        for (let index = 0; index < 3; index++) peers.push(await openPeer(context));
        const stores = [context.store, ...peers.map((peer) => peer.writer)];
        for (let round = 0; round < 10; round++) {
          const key = unique('race');
          const results = await Promise.all(stores.flatMap((store, which) => [0, 1].map((twin) => store.acquireLease(key, `engine-${which}-${twin}`, 5000, { winner: `engine-${which}-${twin}` }))));
          const winners = results.filter((lease) => lease !== null);
          expect(winners).toHaveLength(1);
          expect(winners[0]!.data).toEqual({ winner: winners[0]!.holder });
        }
      } finally {
        await Promise.all(peers.map((peer) => peer.close()));
      }
    });

    it('refuses bad arguments with ERR_LEASE_INVALID, and calls on a closed store with ERR_STORE_CLOSED', async () => {
      await expectCode(context.store.acquireLease('', 'engine-a', 1000), 'ERR_LEASE_INVALID');
      await expectCode(context.store.acquireLease('k', '', 1000), 'ERR_LEASE_INVALID');
      await expectCode(context.store.acquireLease('k', 'engine-a', 0), 'ERR_LEASE_INVALID');
      await expectCode(context.store.acquireLease('k', 'engine-a', 1.5), 'ERR_LEASE_INVALID');
      await expectCode(context.store.acquireLease('k', 'engine-a', 1000, { big: 'x'.repeat(20_000) }), 'ERR_LEASE_INVALID');
      const closed = await context.open();
      await closed.close();
      await expectCode(closed.acquireLease('k', 'engine-a', 1000), 'ERR_STORE_CLOSED');
      await expectCode(closed.releaseLease('k', 'engine-a'), 'ERR_STORE_CLOSED');
    });
  });
}

/** Runs `test` with another store on the backend when stores share one, else with the store under test. */
async function withPeer(context: ConformanceContext, test: (other: SpecStore) => Promise<void>): Promise<void> {
  const peer = await openPeer(context);
  try {
    await test(peer.writer);
  } finally {
    await peer.close();
  }
}

import { describe, expect, it } from 'vitest';
import type { SpecStore } from '../../src/index.ts';
import { aSpec, type ConformanceContext } from './conformance-context.ts';
import { eventReader, within } from './event-reader.ts';
import { openPeer, type Peer } from './peer-store.ts';

/** Several writers at once on one backend: the rules hold and every change arrives. */
export function describeConcurrentWriters(context: ConformanceContext): void {
  const withPeers = async (count: number, test: (writers: SpecStore[]) => Promise<void>): Promise<void> => {
    const peers: Peer[] = [];
    try {
      for (let index = 0; index < count; index++) peers.push(await openPeer(context));
      await test([context.store, ...peers.map((peer) => peer.writer)]);
    } finally {
      await Promise.all(peers.map((peer) => peer.close()));
    }
  };

  describe('concurrent writers', () => {
    it('keep names unique and revisions consecutive, upserts of one name all succeed, and every change arrives', async () => {
      const { namespace, store } = context;
      await withPeers(3, async (writers) => {
        const stream = store.watch({ namespace });
        await within(stream.ready, 5000, 'the stream to be ready');
        const reader = eventReader(stream);
        const rounds = 12;
        const upserts = writers.map(async (writer, which) => {
          for (let round = 0; round < rounds; round++) await writer.upsert([aSpec({ namespace, name: `shared-${round % 3}`, code: `${which}-${round}` })]);
        });
        const claims = Promise.allSettled(writers.map((writer, which) => writer.insert([aSpec({ namespace, name: 'claimed', code: String(which) })])));
        await Promise.all(upserts);
        const outcomes = await claims;
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code?: string }).code] : []));
        expect(refused).toEqual(Array(writers.length - 1).fill('ERR_NAME_TAKEN'));

        const final = await store.find({ namespace });
        expect(final.map((spec) => spec.name).sort()).toEqual(['claimed', 'shared-0', 'shared-1', 'shared-2']);
        for (const spec of final) expect(spec.revision).toBe(spec.name === 'claimed' ? 1 : (writers.length * rounds) / 3);
        const events = await reader.take(writers.length * rounds + 1, 15_000);
        for (const spec of final) {
          const mine = events.filter((event) => event.id === spec.id);
          expect(mine.map((event) => event.spec!.revision)).toEqual(Array.from({ length: spec.revision }, (_, index) => index + 1));
          expect(mine.map((event) => event.op)).toEqual(['insert', ...Array(spec.revision - 1).fill('update')]);
          expect(mine.at(-1)!.spec).toEqual(spec);
        }
        expect(await reader.quiet()).toEqual([]);
        await stream.close();
      });
    });

    it('show a call to concurrent readers all at once or not at all', async () => {
      const { namespace, store } = context;
      await withPeers(1, async ([, writer]) => {
        const size = 40;
        let stop = false;
        const seen = new Set<number>();
        const reading = (async () => {
          while (!stop) {
            seen.add((await store.find({ namespace })).length);
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        for (let round = 0; round < 4; round++) {
          await writer!.insert(Array.from({ length: size }, (_, index) => aSpec({ namespace, name: `s${index}` })));
          await new Promise((resolve) => setTimeout(resolve, 20));
          await writer!.delete({ namespace });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        stop = true;
        await within(reading, 5000, 'the reader to stop');
        expect([...seen].every((count) => count === 0 || count === size)).toBe(true);
        expect(seen.has(size)).toBe(true);
      });
    });
  });
}

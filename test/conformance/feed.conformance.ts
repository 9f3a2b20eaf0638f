import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ChangeEvent, ChangeStream, StoredSpec } from '../../src/index.ts';
import { aSpec, type ConformanceContext } from './conformance-context.ts';
import type { ConformanceOptions } from './conformance-options.ts';
import { until } from '../harness/wait.ts';
import { eventReader, within } from './event-reader.ts';
import { openPeer } from './peer-store.ts';

const byId = (a: StoredSpec, b: StoredSpec): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The change feed's guarantees: every change once, per-spec order, other writers, outages. */
export function describeFeedGuarantees(context: ConformanceContext, options: ConformanceOptions): void {
  const subscribe = async (after?: string): Promise<ChangeStream> => {
    const stream = context.store.watch({ namespace: context.namespace }, after === undefined ? {} : { after });
    await within(stream.ready, 5000, 'the stream to be ready');
    return stream;
  };

  describe('change feed guarantees', () => {
    it('emits one event per spec of a call, as stored: an upsert inserts then updates, a delete of several emits each', async () => {
      const { namespace, store } = context;
      const reader = eventReader(await subscribe());
      const [created] = await store.upsert([aSpec({ namespace, name: 'a' })]);
      const [updated] = await store.upsert([aSpec({ namespace, name: 'a', code: 'v2' })]);
      const batch = await store.insert([aSpec({ namespace, name: 'b' }), aSpec({ namespace, name: 'c' })]);
      const deleted = await store.delete({ namespace });
      const events = await reader.take(7);
      expect(events.map((event) => [event.op, event.id])).toEqual([
        ['insert', created!.id], ['update', created!.id], ['insert', batch[0]!.id], ['insert', batch[1]!.id],
        ...deleted.map((spec) => ['delete', spec.id]),
      ]);
      expect(events.slice(0, 4).map((event) => event.spec)).toEqual([created, updated, ...batch]);
      expect(events.slice(4).map((event) => event.spec)).toEqual(deleted);
      expect(await reader.quiet()).toEqual([]);
    });

    it('delivers the changes another store on the same backend makes', async ({ skip }) => {
      const { namespace } = context;
      const peer = await openPeer(context);
      try {
        if (!peer.shared) skip('stores of this driver do not share a backend');
        const reader = eventReader(await subscribe());
        const [a] = await peer.writer.insert([aSpec({ namespace, name: 'a' })]);
        const [a2] = await peer.writer.update([{ ...a!, code: 'v2' }]);
        await peer.writer.delete({ id: a!.id });
        expect((await reader.take(3, 5000)).map((event) => [event.op, event.spec])).toEqual([['insert', a], ['update', a2], ['delete', a2]]);
      } finally {
        await peer.close();
      }
    });

    it('loses no change made while a watcher subscribes and loads: load after ready, apply the events, get the final state', async () => {
      const { namespace, store } = context;
      const peer = await openPeer(context);
      try {
        await store.insert(Array.from({ length: 5 }, (_, index) => aSpec({ namespace, name: `s${index}` })));
        let stop = false;
        let rounds = 0;
        const writing = (async () => {
          for (; !stop; rounds++) {
            if (rounds % 7 === 6) await peer.writer.delete({ namespace, name: `s${(rounds + 1) % 5}` });
            else await peer.writer.upsert([aSpec({ namespace, name: `s${rounds % 5}`, code: `r${rounds}` })]);
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        // Writes go on before the subscription, between ready and the load, and after it.
        await until(() => rounds >= 3, 10_000);
        const stream = await subscribe();
        const state = new Map((await store.find({ namespace })).map((spec) => [spec.id, spec]));
        const loadedAt = rounds;
        await until(() => rounds >= loadedAt + 3, 10_000);
        stop = true;
        await within(writing, 10_000, 'the writer to stop');
        const final = await store.find({ namespace });
        const reader = eventReader(stream);
        let applied = 0;
        const apply = (event: ChangeEvent): void => {
          if (event.op === 'reset') throw new Error('unexpected reset');
          if (event.op === 'delete') state.delete(event.id);
          else if ((state.get(event.id)?.revision ?? 0) < event.spec!.revision) {
            state.set(event.id, event.spec!);
            applied += 1;
          }
        };
        const current = (): StoredSpec[] => [...state.values()].sort(byId);
        while (!isDeepStrictEqual(current(), final)) apply(await reader.next(5000));
        expect(current()).toEqual(final);
        expect(applied).toBeGreaterThan(0);
        await stream.close();
      } finally {
        await peer.close();
      }
    });

    it('keeps the events of each spec in revision order with none missing when two writers interleave', async () => {
      const { namespace, store } = context;
      const peer = await openPeer(context);
      try {
        const reader = eventReader(await subscribe());
        const names = ['a', 'b', 'c'];
        await store.insert(names.map((name) => aSpec({ namespace, name })));
        const rounds = 10;
        await Promise.all([store, peer.writer].map(async (writer, which) => {
          for (let round = 0; round < rounds; round++) await writer.upsert([aSpec({ namespace, name: names[(round + which) % 3]!, code: `${which}-${round}` })]);
        }));
        const events = await reader.take(names.length + 2 * rounds, 10_000);
        const final = await store.find({ namespace });
        for (const spec of final) {
          const revisions = events.filter((event) => event.id === spec.id).map((event) => event.spec!.revision);
          expect(revisions).toEqual(Array.from({ length: spec.revision }, (_, index) => index + 1));
        }
        expect(final.reduce((sum, spec) => sum + spec.revision, 0)).toBe(events.length);
        expect(await reader.quiet()).toEqual([]);
      } finally {
        await peer.close();
      }
    });

    it.skipIf(options.disconnect === undefined)('resumes after a forced disconnect: the changes made meanwhile arrive once, in order, and the stream goes on', async () => {
      const { namespace, store } = context;
      const peer = await openPeer(context);
      try {
        const reader = eventReader(await subscribe());
        const [a] = await store.insert([aSpec({ namespace, name: 'a' })]);
        expect(await reader.next()).toMatchObject({ op: 'insert', id: a!.id });
        await options.disconnect!(store);
        const [b] = await peer.writer.insert([aSpec({ namespace, name: 'b' })]);
        const [a2] = await peer.writer.update([{ ...a!, code: 'v2' }]);
        await peer.writer.delete({ id: b!.id });
        const events = await reader.take(3, 10_000);
        expect(events.map((event) => [event.op, event.spec])).toEqual([['insert', b], ['update', a2], ['delete', b]]);
        const [c] = await store.insert([aSpec({ namespace, name: 'c' })]);
        expect(await reader.next(5000)).toMatchObject({ op: 'insert', id: c!.id });
        expect(await reader.quiet()).toEqual([]);
        const resumed = eventReader(await subscribe(events[0]!.token));
        expect((await resumed.take(3)).map((event) => event.op)).toEqual(['update', 'delete', 'insert']);
      } finally {
        await peer.close();
      }
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { ChangeStream, SpecFilter } from '../../src/index.ts';
import { aSpec, expectCode, unique, type ConformanceContext } from './conformance-context.ts';
import { eventReader, within } from './event-reader.ts';

/** watch: the change feed, its order, filters, resume and lifecycle; and close. */
export function describeWatch(context: ConformanceContext): void {
  const subscribe = async (filter: SpecFilter = { namespace: context.namespace }, after?: string): Promise<ChangeStream> => {
    const stream = context.store.watch(filter, after === undefined ? {} : { after });
    await within(stream.ready, 5000, 'the stream to be ready');
    return stream;
  };

  describe('watch', () => {
    it('emits insert, update and delete with the spec (before a delete) in commit order', async () => {
      const { namespace, store } = context;
      const reader = eventReader(await subscribe());
      const [a, b] = await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b' })]);
      const [a2] = await store.update([{ ...a!, code: 'v2' }]);
      await store.delete({ id: b!.id });
      const events = await reader.take(4);
      expect(events.map((event) => [event.op, event.id, event.namespace])).toEqual([
        ['insert', a!.id, namespace], ['insert', b!.id, namespace], ['update', a!.id, namespace], ['delete', b!.id, namespace],
      ]);
      expect(events.map((event) => event.spec)).toEqual([a, b, a2, b]);
      expect(new Set(events.map((event) => event.token)).size).toBe(4);
    });

    it('delivers only changes of the watched namespace', async () => {
      const { namespace, store } = context;
      const other = unique('ns');
      const reader = eventReader(await subscribe());
      await store.insert([aSpec({ namespace: other, name: 'x' })]);
      const [mine] = await store.insert([aSpec({ namespace, name: 'x' })]);
      await store.delete({ namespace: other });
      expect(await reader.next()).toMatchObject({ op: 'insert', id: mine!.id });
      expect(await reader.quiet()).toEqual([]);
    });

    it('filters by name and kind as find does', async () => {
      const { namespace, store } = context;
      const reader = eventReader(await subscribe({ namespace, kind: 'router' }));
      await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b', kind: 'router' })]);
      expect(await reader.next()).toMatchObject({ op: 'insert', spec: { name: 'b' } });
      expect(await reader.quiet()).toEqual([]);
    });

    it('delivers a write of 1 200 specs whole: its first event, then takeBuffered, hold all of them in order', async () => {
      const { namespace, store } = context;
      const stream = await subscribe();
      const iterator = stream[Symbol.asyncIterator]();
      const written = await store.insert(Array.from({ length: 1200 }, (_, i) => aSpec({ namespace, name: `n-${i}` })));
      const first = await within(iterator.next(), 10_000, 'the first event');
      const events = [first.value!, ...(stream.takeBuffered?.() ?? [])];
      expect(events.map((event) => event.id)).toEqual(written.map((spec) => spec.id));
      await stream.close();
    });

    it('delivers a write made right after ready, to every open stream', async () => {
      const { namespace, store } = context;
      const first = eventReader(await subscribe());
      const second = eventReader(await subscribe());
      const [stored] = await store.insert([aSpec({ namespace, name: 'a' })]);
      expect(await first.next()).toMatchObject({ op: 'insert', id: stored!.id });
      expect(await second.next()).toMatchObject({ op: 'insert', id: stored!.id });
    });

    it('resumes after a token with exactly the later events', async () => {
      const { namespace, store } = context;
      const reader = eventReader(await subscribe());
      const [a] = await store.insert([aSpec({ namespace, name: 'a' })]);
      const [b] = await store.insert([aSpec({ namespace, name: 'b' })]);
      await store.update([{ ...a!, code: 'v2' }]);
      const events = await reader.take(3);
      const resumed = eventReader(await subscribe({ namespace }, events[0]!.token));
      expect((await resumed.take(2)).map((event) => [event.op, event.id, event.token])).toEqual([
        ['insert', b!.id, events[1]!.token], ['update', a!.id, events[2]!.token],
      ]);
      expect(await resumed.quiet()).toEqual([]);
      await store.delete({ id: b!.id });
      expect(await resumed.next()).toMatchObject({ op: 'delete', id: b!.id });
      const atHead = eventReader(await subscribe({ namespace }, events[2]!.token));
      expect((await atHead.next()).op).toBe('delete');
    });

    it('starts with one reset event when it cannot resume from the token', async () => {
      const { namespace, store } = context;
      const reader = eventReader(await subscribe({ namespace }, 'not-a-token-of-this-store'));
      expect(await reader.next()).toMatchObject({ op: 'reset', id: '', namespace });
      const [stored] = await store.insert([aSpec({ namespace, name: 'a' })]);
      expect(await reader.next()).toMatchObject({ op: 'insert', id: stored!.id });
    });

    it('hands out copies: changing an event changes nothing stored', async () => {
      const { namespace, store } = context;
      const reader = eventReader(await subscribe());
      await store.insert([aSpec({ namespace, name: 'a' })]);
      const event = await reader.next();
      event.spec!.name = 'changed';
      expect((await store.find({ namespace }))[0]!.name).toBe('a');
    });

    it('ends the iteration when the stream is closed, and close is idempotent', async () => {
      const stream = await subscribe();
      const reader = eventReader(stream);
      const ending = reader.ended(2000);
      await stream.close();
      await stream.close();
      expect(await ending).toBe(true);
      await context.store.insert([aSpec({ namespace: context.namespace })]);
    });

    it('ends a for-await loop over the stream when it is closed', async () => {
      const stream = await subscribe();
      const seen: string[] = [];
      const loop = (async () => {
        for await (const event of stream) seen.push(event.op);
      })();
      await context.store.insert([aSpec({ namespace: context.namespace })]);
      await within((async () => { while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5)); })(), 2000, 'the insert event');
      await stream.close();
      await within(loop, 2000, 'the loop to end');
      expect(seen).toEqual(['insert']);
    });
  });

  describe('close', () => {
    it('ends open streams, is idempotent, and later calls fail with ERR_STORE_CLOSED', async () => {
      const store = await context.open();
      const stream = store.watch({ namespace: context.namespace });
      await within(stream.ready, 5000, 'the stream to be ready');
      const reader = eventReader(stream);
      await store.close();
      await store.close();
      expect(await reader.ended()).toBe(true);
      await expectCode(store.find({}), 'ERR_STORE_CLOSED');
      await expectCode(store.insert([aSpec()]), 'ERR_STORE_CLOSED');
      await expectCode(store.upsert([aSpec()]), 'ERR_STORE_CLOSED');
      await expectCode(store.update([aSpec()]), 'ERR_STORE_CLOSED');
      await expectCode(store.delete({ namespace: context.namespace }), 'ERR_STORE_CLOSED');
      expect(() => store.watch({})).toThrow(expect.objectContaining({ code: 'ERR_STORE_CLOSED' }));
    });
  });
}

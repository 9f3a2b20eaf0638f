import { describe, expect, it } from 'vitest';
import { anId, aSpec, unique, type ConformanceContext } from './conformance-context.ts';

/** find and delete: filters, order, copies. */
export function describeFindAndDelete(context: ConformanceContext): void {
  describe('find', () => {
    it('selects by namespace, id, name and kind, each alone, combined and as arrays', async () => {
      const { namespace, store } = context;
      const [a, b, c] = await store.insert([
        aSpec({ namespace, name: 'a', kind: 'snippet' }),
        aSpec({ namespace, name: 'b', kind: 'router' }),
        aSpec({ namespace, name: 'c', kind: 'router' }),
      ]);
      const names = async (filter: Parameters<typeof store.find>[0]) => (await store.find(filter)).map((spec) => spec.name);
      expect(await names({ namespace })).toEqual(['a', 'b', 'c']);
      expect(await names({ id: b!.id })).toEqual(['b']);
      expect(await names({ id: [a!.id, c!.id] })).toEqual(['a', 'c']);
      expect(await names({ namespace, name: 'c' })).toEqual(['c']);
      expect(await names({ namespace, name: ['a', 'b', 'missing'] })).toEqual(['a', 'b']);
      expect(await names({ namespace, kind: 'router' })).toEqual(['b', 'c']);
      expect(await names({ namespace, kind: ['snippet', 'router'], name: ['a', 'c'] })).toEqual(['a', 'c']);
      expect(await names({ namespace: unique('ns'), id: a!.id })).toEqual([]);
      expect(await names({ namespace, id: [] })).toEqual([]);
    });

    it('returns specs in id order', async () => {
      const { namespace, store } = context;
      const ids = [anId(), anId(), anId()].reverse();
      await store.insert(ids.map((id) => aSpec({ namespace, id })));
      await store.insert([aSpec({ namespace }), aSpec({ namespace })]);
      const found = (await store.find({ namespace })).map((spec) => spec.id);
      expect(found).toHaveLength(5);
      expect(found).toEqual([...found].sort());
      expect(found.slice(0, 3)).toEqual([...ids].sort());
    });

    it('does not match unnamed specs by name', async () => {
      const { namespace, store } = context;
      await store.insert([aSpec({ namespace })]);
      expect(await store.find({ namespace, name: ['a'] })).toEqual([]);
    });

    it('returns copies: changing a result changes nothing stored', async () => {
      const { namespace, store } = context;
      await store.insert([aSpec({ namespace, name: 'a', links: { out: [{ name: 'b', port: 'in' }] } })]);
      const [first] = await store.find({ namespace });
      first!.links!.out!.push({ name: 'c', port: 'in' });
      first!.name = 'renamed';
      const [again] = await store.find({ namespace });
      expect(again).toMatchObject({ name: 'a', links: { out: [{ name: 'b', port: 'in' }] } });
    });
  });

  describe('delete', () => {
    it('removes the matching specs and returns them as they were', async () => {
      const { namespace, store } = context;
      const other = unique('ns');
      const [a, b] = await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b', kind: 'router' }), aSpec({ namespace: other, name: 'a' })]);
      expect(await store.delete({ namespace, kind: 'snippet' })).toEqual([a]);
      expect((await store.find({ namespace })).map((spec) => spec.name)).toEqual(['b']);
      expect(await store.delete({ namespace })).toEqual([b]);
      expect(await store.find({ namespace })).toEqual([]);
      expect(await store.find({ namespace: other })).toHaveLength(1);
      expect(await store.delete({ namespace })).toEqual([]);
      await store.delete({ namespace: other });
    });

    it('frees the name of a deleted spec', async () => {
      const { namespace, store } = context;
      await store.insert([aSpec({ namespace, name: 'a' })]);
      await store.delete({ namespace, name: 'a' });
      const [again] = await store.insert([aSpec({ namespace, name: 'a' })]);
      expect(again!.revision).toBe(1);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { anId, aSpec, expectCode, unique, UUID_V7, type ConformanceContext } from './conformance-context.ts';
import { eventReader } from './event-reader.ts';

/** insert: ids, defaults, uniqueness, atomicity of a call. */
export function describeInsert(context: ConformanceContext): void {
  describe('insert', () => {
    it('fills a UUIDv7 id, the default namespace and revision 1', async () => {
      const name = unique('a');
      const [stored] = await context.store.insert([aSpec({ name })]);
      expect(stored!.id).toMatch(UUID_V7);
      expect(stored).toMatchObject({ kind: 'snippet', namespace: 'default', name, revision: 1, code: 'hi' });
      expect(await context.store.find({ id: stored!.id })).toEqual([stored]);
      await context.store.delete({ id: stored!.id });
    });

    it('returns the specs in input order and keeps a given id and namespace', async () => {
      const { namespace } = context;
      const id = anId();
      const stored = await context.store.insert([aSpec({ namespace, name: 'first' }), aSpec({ namespace, id, name: 'second' })]);
      expect(stored.map((spec) => [spec.name, spec.namespace, spec.revision])).toEqual([['first', namespace, 1], ['second', namespace, 1]]);
      expect(stored[1]!.id).toBe(id);
      await context.store.delete({ id });
    });

    it('ignores a revision given by the caller', async () => {
      const [stored] = await context.store.insert([aSpec({ namespace: context.namespace, revision: 42 })]);
      expect(stored!.revision).toBe(1);
    });

    it('stores ports as links', async () => {
      const ports = { out: [{ name: 'b', port: 'in' }] };
      const [stored] = await context.store.insert([aSpec({ namespace: context.namespace, name: 'a', ports })]);
      expect(stored!.links).toEqual(ports);
      expect(stored).not.toHaveProperty('ports');
      const [found] = await context.store.find({ id: stored!.id });
      expect(found!.links).toEqual(ports);
      expect(found).not.toHaveProperty('ports');
    });

    it('refuses a spec without a string kind with ERR_SPEC_INVALID and stores nothing', async () => {
      const { namespace } = context;
      await expectCode(context.store.insert([aSpec({ namespace, name: 'ok' }), { namespace, name: 'no-kind' } as never]), 'ERR_SPEC_INVALID');
      await expectCode(context.store.insert([aSpec({ namespace, kind: 7 as never })]), 'ERR_SPEC_INVALID');
      expect(await context.store.find({ namespace })).toEqual([]);
    });

    it('refuses a taken (namespace, name) with ERR_NAME_TAKEN; the same name in another namespace is fine', async () => {
      const { namespace } = context;
      const other = unique('ns');
      await context.store.insert([aSpec({ namespace, name: 'same' })]);
      await expectCode(context.store.insert([aSpec({ namespace, name: 'same' })]), 'ERR_NAME_TAKEN');
      const [elsewhere] = await context.store.insert([aSpec({ namespace: other, name: 'same' })]);
      expect(elsewhere).toMatchObject({ namespace: other, name: 'same' });
      expect(await context.store.find({ namespace, name: 'same' })).toHaveLength(1);
      await context.store.delete({ namespace: other });
    });

    it('refuses two specs of one call with the same name, storing neither', async () => {
      const { namespace } = context;
      await expectCode(context.store.insert([aSpec({ namespace, name: 'twin' }), aSpec({ namespace, name: 'twin' })]), 'ERR_NAME_TAKEN');
      expect(await context.store.find({ namespace })).toEqual([]);
    });

    it('lets unnamed specs coexist', async () => {
      const { namespace } = context;
      const stored = await context.store.insert([aSpec({ namespace }), aSpec({ namespace })]);
      expect(new Set(stored.map((spec) => spec.id)).size).toBe(2);
      expect(await context.store.find({ namespace })).toHaveLength(2);
    });

    it('refuses a duplicate id with ERR_ID_TAKEN, even across namespaces', async () => {
      const [stored] = await context.store.insert([aSpec({ namespace: context.namespace })]);
      await expectCode(context.store.insert([aSpec({ namespace: context.namespace, id: stored!.id })]), 'ERR_ID_TAKEN');
      const other = unique('ns');
      await expectCode(context.store.insert([aSpec({ namespace: other, id: stored!.id })]), 'ERR_ID_TAKEN');
      expect(await context.store.find({ namespace: other })).toEqual([]);
    });

    it('stores none of the specs of a failing call and emits no event for them', async () => {
      const { namespace } = context;
      const [taken] = await context.store.insert([aSpec({ namespace, name: 'taken' })]);
      const stream = context.store.watch({ namespace });
      await stream.ready;
      const reader = eventReader(stream);
      await expectCode(context.store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b' }), aSpec({ namespace, name: 'taken' })]), 'ERR_NAME_TAKEN');
      await expectCode(context.store.insert([aSpec({ namespace, name: 'c' }), aSpec({ namespace, id: taken!.id })]), 'ERR_ID_TAKEN');
      expect(await context.store.find({ namespace })).toEqual([taken]);
      expect(await reader.quiet(200)).toEqual([]);
      const [after] = await context.store.insert([aSpec({ namespace, name: 'after' })]);
      expect(await reader.next()).toMatchObject({ op: 'insert', id: after!.id });
      await stream.close();
    });

    it('keeps no reference to the caller objects', async () => {
      const input = aSpec({ namespace: context.namespace, name: 'a', env: { key: 'before' } });
      const [stored] = await context.store.insert([input]);
      (input.env as Record<string, unknown>).key = 'changed';
      stored!.code = 'changed';
      const [found] = await context.store.find({ id: stored!.id });
      expect(found).toMatchObject({ env: { key: 'before' }, code: 'hi' });
    });
  });
}

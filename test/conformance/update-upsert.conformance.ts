import { describe, expect, it } from 'vitest';
import { anId, aSpec, expectCode, unique, type ConformanceContext } from './conformance-context.ts';

/** update and upsert: whole replacement, revisions, identity rules. */
export function describeUpdateAndUpsert(context: ConformanceContext): void {
  describe('update', () => {
    it('replaces the whole spec, bumps the revision and keeps the id', async () => {
      const { namespace, store } = context;
      const [stored] = await store.insert([aSpec({ namespace, name: 'a', env: { key: 'v' }, annotations: { note: 'x' } })]);
      const [updated] = await store.update([{ id: stored!.id, kind: 'snippet', namespace, name: 'a', code: 'new', revision: 99 }]);
      expect(updated).toMatchObject({ id: stored!.id, namespace, name: 'a', code: 'new', revision: 2 });
      expect(updated).not.toHaveProperty('env');
      expect(updated).not.toHaveProperty('annotations');
      expect(await store.find({ id: stored!.id })).toEqual([updated]);
      const [third] = await store.update([updated!]);
      expect(third!.revision).toBe(3);
    });

    it('fails with ERR_SPEC_NOT_FOUND for a missing id and changes nothing of the call', async () => {
      const { namespace, store } = context;
      const [stored] = await store.insert([aSpec({ namespace, name: 'a' })]);
      const missing = anId();
      await expectCode(store.update([{ ...stored!, code: 'changed' }, aSpec({ namespace, id: missing })]), 'ERR_SPEC_NOT_FOUND');
      expect(await store.find({ namespace })).toEqual([stored]);
      expect(await store.find({ id: missing })).toEqual([]);
    });

    it('fails with ERR_SPEC_INVALID for a spec without id', async () => {
      const { namespace, store } = context;
      await store.insert([aSpec({ namespace, name: 'a' })]);
      await expectCode(store.update([aSpec({ namespace, name: 'a' })]), 'ERR_SPEC_INVALID');
    });

    it('fails with ERR_NAMESPACE_IMMUTABLE when the spec would move to another namespace', async () => {
      const { namespace, store } = context;
      const [stored] = await store.insert([aSpec({ namespace, name: 'a' })]);
      await expectCode(store.update([{ ...stored!, namespace: unique('ns') }]), 'ERR_NAMESPACE_IMMUTABLE');
      expect(await store.find({ id: stored!.id })).toEqual([stored]);
    });

    it('fails with ERR_NAME_TAKEN when renaming onto a taken name, and may rename onto a free one', async () => {
      const { namespace, store } = context;
      const [a, b] = await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b' })]);
      await expectCode(store.update([{ ...b!, name: 'a' }]), 'ERR_NAME_TAKEN');
      const [renamed] = await store.update([{ ...a!, name: 'c' }]);
      expect(renamed).toMatchObject({ id: a!.id, name: 'c', revision: 2 });
      const [reused] = await store.update([{ ...b!, name: 'a' }]);
      expect(reused).toMatchObject({ id: b!.id, name: 'a' });
    });
  });

  describe('upsert', () => {
    it('inserts a new spec and updates by id, keeping the id', async () => {
      const { namespace, store } = context;
      const [created] = await store.upsert([aSpec({ namespace, name: 'a' })]);
      expect(created!.revision).toBe(1);
      const [updated] = await store.upsert([{ ...created!, name: 'renamed', code: 'v2' }]);
      expect(updated).toMatchObject({ id: created!.id, name: 'renamed', code: 'v2', revision: 2 });
      const id = anId();
      const [withId] = await store.upsert([aSpec({ namespace, id, name: 'b' })]);
      expect(withId).toMatchObject({ id, revision: 1 });
    });

    it('matches by (namespace, name) when there is no id, keeping the stored id', async () => {
      const { namespace, store } = context;
      const [created] = await store.insert([aSpec({ namespace, name: 'a', env: { old: true } })]);
      const [updated] = await store.upsert([aSpec({ namespace, name: 'a', code: 'v2' })]);
      expect(updated).toMatchObject({ id: created!.id, code: 'v2', revision: 2 });
      expect(updated).not.toHaveProperty('env');
      const [elsewhere] = await store.upsert([aSpec({ namespace: unique('ns'), name: 'a' })]);
      expect(elsewhere!.id).not.toBe(created!.id);
      await store.delete({ id: elsewhere!.id });
    });

    it('fails with ERR_NAME_TAKEN when a spec with an id takes the name of another', async () => {
      const { namespace, store } = context;
      const [, b] = await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b' })]);
      await expectCode(store.upsert([{ ...b!, name: 'a' }]), 'ERR_NAME_TAKEN');
      await expectCode(store.upsert([aSpec({ namespace, id: anId(), name: 'a' })]), 'ERR_NAME_TAKEN');
    });

    it('fails with ERR_NAMESPACE_IMMUTABLE when an id match lives in another namespace', async () => {
      const { namespace, store } = context;
      const [stored] = await store.insert([aSpec({ namespace, name: 'a' })]);
      await expectCode(store.upsert([{ ...stored!, namespace: unique('ns') }]), 'ERR_NAMESPACE_IMMUTABLE');
    });

    it('inserts unnamed specs without id every time', async () => {
      const { namespace, store } = context;
      await store.upsert([aSpec({ namespace })]);
      await store.upsert([aSpec({ namespace })]);
      expect(await store.find({ namespace })).toHaveLength(2);
    });

    it('leaves every spec of a failing call as it was', async () => {
      const { namespace, store } = context;
      const [a] = await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b' })]);
      const before = await store.find({ namespace });
      await expectCode(store.upsert([aSpec({ namespace, name: 'a', code: 'v2' }), aSpec({ namespace, name: 'new' }), { ...a!, name: 'b' }]), 'ERR_NAME_TAKEN');
      expect(await store.find({ namespace })).toEqual(before);
    });
  });
}

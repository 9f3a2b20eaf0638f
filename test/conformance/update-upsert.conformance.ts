import { describe, expect, it } from 'vitest';
import type { StoredSpec } from '../../src/index.ts';
import { anId, aSpec, expectCode, unique, type ConformanceContext } from './conformance-context.ts';

/** update and upsert: whole replacement, revisions (optimistic concurrency), identity rules. */
export function describeUpdateAndUpsert(context: ConformanceContext): void {
  describe('update', () => {
    it('replaces the whole spec, bumps the revision and keeps the id', async () => {
      const { namespace, store } = context;
      const [stored] = await store.insert([aSpec({ namespace, name: 'a', env: { key: 'v' }, annotations: { note: 'x' } })]);
      const [updated] = await store.update([{ id: stored!.id, kind: 'snippet', namespace, name: 'a', code: 'new' }]);
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

  describe('revision check', () => {
    it('refuses an update carrying a stale revision with ERR_REVISION_CONFLICT and stores nothing of the call', async () => {
      const { namespace, store } = context;
      const [a, b] = await store.insert([aSpec({ namespace, name: 'a' }), aSpec({ namespace, name: 'b' })]);
      const [a2] = await store.update([{ ...a!, code: 'v2' }]);
      const before = await store.find({ namespace });
      await expectCode(store.update([{ ...b!, code: 'fresh' }, { ...a!, code: 'stale' }]), 'ERR_REVISION_CONFLICT');
      await expectCode(store.upsert([aSpec({ namespace, name: 'new' }), aSpec({ namespace, name: 'a', code: 'stale', revision: 1 })]), 'ERR_REVISION_CONFLICT');
      await expectCode(store.upsert([{ ...a!, code: 'stale' }]), 'ERR_REVISION_CONFLICT');
      expect(await store.find({ namespace })).toEqual(before);
      expect(a2!.revision).toBe(2);
    });

    it('names the position of the conflicting spec and both revisions', async () => {
      const { namespace, store } = context;
      const [a] = await store.insert([aSpec({ namespace, name: 'a' })]);
      const failure = store.update([{ ...a!, code: 'x', revision: 7 }]);
      await expect(failure).rejects.toMatchObject({ code: 'ERR_REVISION_CONFLICT', details: { index: 0 }, params: { given: 7, stored: 1 } });
    });

    it('accepts the stored revision and increments it, by id and by (namespace, name)', async () => {
      const { namespace, store } = context;
      const [a] = await store.insert([aSpec({ namespace, name: 'a' })]);
      const [byId] = await store.update([{ ...a!, code: 'v2' }]);
      expect(byId).toMatchObject({ id: a!.id, code: 'v2', revision: 2 });
      const [byName] = await store.upsert([aSpec({ namespace, name: 'a', code: 'v3', revision: 2 })]);
      expect(byName).toMatchObject({ id: a!.id, code: 'v3', revision: 3 });
      expect(await store.find({ id: a!.id })).toEqual([byName]);
    });

    it('updates unconditionally when the spec carries no revision, and ignores one on insert', async () => {
      const { namespace, store } = context;
      const [a] = await store.insert([aSpec({ namespace, name: 'a', revision: 5 })]);
      expect(a!.revision).toBe(1);
      await store.update([{ ...a!, code: 'v2' }]);
      const { revision: _revision, ...blind } = a!;
      const [updated] = await store.update([{ ...blind, code: 'v3' }]);
      expect(updated).toMatchObject({ code: 'v3', revision: 3 });
      const [created] = await store.upsert([aSpec({ namespace, name: 'b', revision: 4 })]);
      expect(created!.revision).toBe(1);
    });

    it('refuses a revision that is not a non-negative integer with ERR_SPEC_INVALID', async () => {
      const { namespace, store } = context;
      const [a] = await store.insert([aSpec({ namespace, name: 'a' })]);
      for (const revision of [-1, 1.5, '1']) await expectCode(store.update([{ ...a!, revision } as never]), 'ERR_SPEC_INVALID');
      expect(await store.find({ id: a!.id })).toEqual([a]);
    });

    it('treats revision 0 as "must not exist yet": it creates, and conflicts with a stored spec', async () => {
      const { namespace, store } = context;
      const [created] = await store.upsert([aSpec({ namespace, name: 'a', revision: 0 })]);
      expect(created!.revision).toBe(1);
      await expectCode(store.upsert([aSpec({ namespace, name: 'a', code: 'again', revision: 0 })]), 'ERR_REVISION_CONFLICT');
      expect(await store.find({ namespace })).toEqual([created]);
    });

    it('lets exactly one of concurrent updates carrying the same revision win', async () => {
      const { namespace, store } = context;
      const [a] = await store.insert([aSpec({ namespace, name: 'a' })]);
      // A second store on the same backend races from another connection; a backend that is
      // not shared (memory) races within one store.
      const peer = await context.open();
      try {
        const other = (await peer.find({ id: a!.id })).length === 1 ? peer : store;
        const writers = [store, other, store, other];
        const results = await Promise.allSettled(writers.map((writer, index) => writer.update([{ ...a!, code: `w${index}` }])));
        const won = results.filter((result) => result.status === 'fulfilled');
        const lost = results.filter((result) => result.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.map((result) => (result.reason as { code?: string }).code)).toEqual(['ERR_REVISION_CONFLICT', 'ERR_REVISION_CONFLICT', 'ERR_REVISION_CONFLICT']);
        const [winner] = (won[0] as PromiseFulfilledResult<StoredSpec[]>).value;
        expect(winner!.revision).toBe(2);
        expect(await store.find({ id: a!.id })).toEqual([expect.objectContaining({ code: winner!.code, revision: 2 })]);
      } finally {
        await peer.close();
      }
    });
  });
}

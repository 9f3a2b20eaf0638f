import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/index.ts';
import { eventReader } from '../../conformance/event-reader.ts';

describe('MemoryStore', () => {
  it('deletes every spec for an empty filter', async () => {
    const store = new MemoryStore();
    await store.insert([{ kind: 'a', namespace: 'x' }, { kind: 'b', namespace: 'y' }]);
    expect(await store.delete({})).toHaveLength(2);
    expect(await store.find()).toEqual([]);
  });

  it('resumes while the history after the token is kept, and sends one reset once part of it is pruned', async () => {
    const store = new MemoryStore({ keepChanges: 3 });
    const insertOne = async () => (await store.insert([{ kind: 'a', namespace: 'n' }]))[0]!;
    const reader = eventReader(store.watch({ namespace: 'n' }));
    await insertOne();
    const first = await reader.next();
    for (let index = 0; index < 3; index++) await insertOne();
    const complete = eventReader(store.watch({ namespace: 'n' }, { after: first.token }));
    expect((await complete.take(3)).map((event) => event.op)).toEqual(['insert', 'insert', 'insert']);
    await insertOne();
    const resumed = eventReader(store.watch({ namespace: 'n' }, { after: first.token }));
    expect(await resumed.next()).toMatchObject({ op: 'reset', id: '', namespace: 'n' });
    expect(await resumed.quiet(50)).toEqual([]);
    const latest = await insertOne();
    expect(await resumed.next()).toMatchObject({ op: 'insert', id: latest.id });
    await store.close();
  });

  it('prunes changes older than keepChangesMs', async () => {
    const store = new MemoryStore({ keepChangesMs: 0 });
    const reader = eventReader(store.watch());
    await store.insert([{ kind: 'a' }]);
    const first = await reader.next();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.insert([{ kind: 'a' }]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.insert([{ kind: 'a' }]);
    expect((await eventReader(store.watch({}, { after: first.token })).next()).op).toBe('reset');
    await store.close();
  });
});

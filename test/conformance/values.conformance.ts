import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValueStore, masterKey, secretKeyring, ValueVault, type ChangeEvent, type SpecStore, type ValueStore } from '../../src/index.ts';
import type { ConformanceOptions } from './conformance-options.ts';
import { expectCode, UUID_V7, type ConformanceContext } from './conformance-context.ts';

const keyring = secretKeyring(masterKey(randomBytes(32).toString('base64'), 'test'));

function values(context: ConformanceContext): SpecStore & ValueStore {
  if (!isValueStore(context.store)) throw new Error('not a value store');
  return context.store;
}

/** Reads events until one satisfies `until` (bounded by 5 s). */
async function readUntil(iterator: AsyncIterator<ChangeEvent>, until: (event: ChangeEvent) => boolean): Promise<ChangeEvent[]> {
  const seen: ChangeEvent[] = [];
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const next = await Promise.race([iterator.next(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline - Date.now()))]);
    if (next === 'timeout' || next.done === true) break;
    seen.push(next.value);
    if (until(next.value)) return seen;
  }
  throw new Error(`no matching event; saw ${JSON.stringify(seen.map((event) => event.op))}`);
}

/** The values collection (reference §13.12): unique (namespace, name), revisions, secrets sealed, changes in the feed. */
export function describeValues(context: ConformanceContext, options: ConformanceOptions = {}): void {
  describe('values', () => {
    it('putValues inserts with revision 1, replaces by (namespace, name) with revision + 1, keeping id and createdAt', async () => {
      const store = values(context);
      const [first] = await store.putValues([{ namespace: context.namespace, name: 'url', data: 'http://a' }]);
      expect(first).toMatchObject({ namespace: context.namespace, name: 'url', data: 'http://a', secret: false, revision: 1 });
      expect(first!.id).toMatch(UUID_V7);
      expect(Date.parse(first!.createdAt)).not.toBeNaN();
      const [second] = await store.putValues([{ namespace: context.namespace, name: 'url', data: { port: 8080, hosts: ['a', 'b'] } }]);
      expect(second).toMatchObject({ id: first!.id, revision: 2, createdAt: first!.createdAt, data: { port: 8080, hosts: ['a', 'b'] } });
      expect(await store.findValues({ namespace: context.namespace })).toEqual([second]);
    });

    it('findValues filters by namespace and name, ordered by name; the same name in another namespace is another value', async () => {
      const store = values(context);
      await store.putValues([
        { namespace: context.namespace, name: 'b', data: 2 },
        { namespace: context.namespace, name: 'a', data: 1 },
        { namespace: `${context.namespace}-other`, name: 'a', data: 3 },
      ]);
      expect((await store.findValues({ namespace: context.namespace })).map((value) => [value.name, value.data])).toEqual([['a', 1], ['b', 2]]);
      expect((await store.findValues({ namespace: context.namespace, name: ['b', 'zz'] })).map((value) => value.name)).toEqual(['b']);
      expect(await store.findValues({ namespace: `${context.namespace}-other`, name: 'a' })).toMatchObject([{ data: 3 }]);
    });

    it('deleteValues removes the matching values and returns them; a missing name deletes nothing', async () => {
      const store = values(context);
      await store.putValues([{ namespace: context.namespace, name: 'gone', data: true }, { namespace: context.namespace, name: 'kept', data: false }]);
      expect(await store.deleteValues({ namespace: context.namespace, name: 'gone' })).toMatchObject([{ name: 'gone', data: true }]);
      expect(await store.deleteValues({ namespace: context.namespace, name: 'nothing' })).toEqual([]);
      expect((await store.findValues({ namespace: context.namespace })).map((value) => value.name)).toEqual(['kept']);
    });

    it('refuses a bad name, non-JSON data and an unsealed secret with ERR_VALUE_INVALID, writing nothing of the call', async () => {
      const store = values(context);
      await expectCode(store.putValues([{ namespace: context.namespace, name: 'ok', data: 1 }, { namespace: context.namespace, name: 'has.dot', data: 1 }]), 'ERR_VALUE_INVALID');
      await expectCode(store.putValues([{ namespace: context.namespace, name: 'x', data: (() => 1) as never }]), 'ERR_VALUE_INVALID');
      await expectCode(store.putValues([{ namespace: context.namespace, name: 'plain', data: 'hunter2', secret: true }]), 'ERR_VALUE_INVALID');
      expect(await store.findValues({ namespace: context.namespace })).toEqual([]);
    });

    it('a vault seals secrets: the store holds an envelope, the vault opens it, another key cannot', async () => {
      const store = values(context);
      const vault = new ValueVault({ store, keyring });
      expect(await vault.set([{ namespace: context.namespace, name: 'token', data: 'hunter2-secret', secret: true }])).toMatchObject([{ data: '<secret>', secret: true }]);
      const [stored] = await store.findValues({ namespace: context.namespace, name: 'token' });
      expect(JSON.stringify(stored)).not.toContain('hunter2');
      expect(vault.open(stored!)).toBe('hunter2-secret');
      const stranger = new ValueVault({ store, keyring: secretKeyring(masterKey(randomBytes(32).toString('base64'), 'other')) });
      expect(() => stranger.open(stored!)).toThrow(expect.objectContaining({ code: 'ERR_SECRET_UNREADABLE' }));
      const keyless = new ValueVault({ store, keyring: secretKeyring(undefined) });
      expect(() => keyless.open(stored!)).toThrow(expect.objectContaining({ code: 'ERR_SECRET_KEY_MISSING' }));
      await expectCode(keyless.set([{ namespace: context.namespace, name: 'other', data: 'x', secret: true }]), 'ERR_SECRET_KEY_MISSING');
    });

    it.skipIf(options.valueEvents === false)('a stream opened with values: true gets a value event per write and delete, without the data; a plain stream gets none', async () => {
      const store = values(context);
      const plain = store.watch({ namespace: context.namespace });
      const stream = store.watch({ namespace: context.namespace }, { values: true });
      await Promise.all([plain.ready, stream.ready]);
      try {
        const iterator = stream[Symbol.asyncIterator]();
        await store.putValues([{ namespace: context.namespace, name: 'v', data: 'one' }]);
        await store.deleteValues({ namespace: context.namespace, name: 'v' });
        await store.insert([{ kind: 'k', name: 'marker', namespace: context.namespace }]);
        const events = await readUntil(iterator, (event) => event.op === 'insert');
        expect(events.map((event) => [event.op, event.value])).toEqual([
          ['value', { namespace: context.namespace, name: 'v', revision: 1, secret: false, deleted: false }],
          ['value', { namespace: context.namespace, name: 'v', revision: 1, secret: false, deleted: true }],
          ['insert', undefined],
        ]);
        expect(JSON.stringify(events)).not.toContain('"one"');
        const plainEvents = await readUntil(plain[Symbol.asyncIterator](), (event) => event.op === 'insert');
        expect(plainEvents.map((event) => event.op)).toEqual(['insert']);
      } finally {
        await plain.close();
        await stream.close();
      }
    });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec, type SpecStore } from '../../../src/index.ts';
import type { ChangeQueue } from '../../../src/store/change-queue.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { eventually } from '../../harness/cli.ts';

const ping: Spec[] = [
  { kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'router', port: 'in' }] } },
  { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }], links: { 'out[0]': [{ name: 'pong', port: 'in' }] } },
  { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
];

/** Version n: the router gains route /rn to a snippet rn that arrives in the same write. */
function version(n: number): Spec[] {
  const routes = [{ method: 'GET', path: '/ping', port: 'out[0]' }, ...Array.from({ length: n }, (_, i) => ({ method: 'GET', path: `/r${i + 1}`, port: `out[${i + 1}]` }))];
  const links: Record<string, { name: string; port: string }[]> = { 'out[0]': [{ name: 'pong', port: 'in' }] };
  for (let i = 1; i <= n; i++) links[`out[${i}]`] = [{ name: `r${i}`, port: 'in' }];
  return [{ kind: 'router', name: 'router', routes, links }, { kind: 'snippet', name: `r${n}`, language: 'text', code: `r${n}` }];
}

describe('Loader applies one write as one state change', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('never deactivates the listener when a router and the new snippet it links to arrive together', async () => {
    const store = new MemoryStore();
    await store.insert(ping);
    runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
    await runtime.start();
    const listener = runtime.table.byName('listener')!.node as ListenerNode;
    const url = `http://127.0.0.1:${listener.port}`;
    const states: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) {
        states.push(runtime!.table.byName('listener')!.state);
        try {
          const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) });
          if (response.status !== 200) failures.push(String(response.status));
          await response.text();
        } catch (thrown) {
          failures.push(String(thrown));
        }
      }
    })();
    for (let n = 1; n <= 10; n++) {
      // The router comes first in the write, so one event at a time would load it before its target.
      await store.upsert(version(n));
      await eventually(async () => ((await (await fetch(`${url}/r${n}`, { signal: AbortSignal.timeout(2000) })).text()) === `r${n}` ? true : undefined), 2000, `route /r${n}`);
    }
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(states.every((state) => state === 'active')).toBe(true);
    expect(runtime.table.byName('listener')!.node).toBe(listener);
  });
});

describe('Loader after its change feed fails', () => {
  it('subscribes again, reloads what changed meanwhile, and keeps following the feed', async () => {
    const store = new MemoryStore();
    const streams: ChangeQueue[] = [];
    // The memory store, with its streams kept so the test can break one.
    const watching: SpecStore = {
      url: store.url,
      find: (filter) => store.find(filter),
      insert: (specs) => store.insert(specs),
      update: (specs) => store.update(specs),
      upsert: (specs) => store.upsert(specs),
      delete: (filter) => store.delete(filter),
      acquireLease: (key, holder, ttlMs, data) => store.acquireLease(key, holder, ttlMs, data),
      releaseLease: (key, holder) => store.releaseLease(key, holder),
      close: () => store.close(),
      watch: (filter, options) => {
        const stream = store.watch(filter, options) as ChangeQueue;
        streams.push(stream);
        return stream;
      },
    };
    await store.insert([{ kind: 'snippet', name: 'a', language: 'text', code: 'a' }]);
    const runtime = new Runtime({ store: watching, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), closeStore: false });
    try {
      await runtime.start();
      expect(runtime.table.byName('a')?.state).toBe('active');
      streams[0]!.fail(new Error('the feed broke'));
      await store.insert([{ kind: 'snippet', name: 'b', language: 'text', code: 'b' }]);
      await eventually(async () => runtime.table.byName('b'), 5000, 'the spec written while the feed was down');
      await store.insert([{ kind: 'snippet', name: 'c', language: 'text', code: 'c' }]);
      await eventually(async () => runtime.table.byName('c'), 5000, 'a spec written after the new subscription');
      expect(streams.length).toBeGreaterThanOrEqual(2);
    } finally {
      await runtime.close();
      await store.close();
    }
  });
});

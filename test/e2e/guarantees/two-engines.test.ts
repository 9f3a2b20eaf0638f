import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, Runtime, Scheme } from '../../../src/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { eventually, weft } from '../../harness/cli.ts';
import { pingYaml } from './ping-versions.ts';
import { storeTargets } from './targets.ts';

const CHANGES = 20;

describe.each(await storeTargets())('two engines on one store and namespace ($name)', (target) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const engine = async (url: string): Promise<{ get: (path: string) => Promise<string> }> => {
    const runtime = new Runtime({ store: await openStore(url), scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
    cleanups.push(() => runtime.close());
    await runtime.start();
    const port = (): number | undefined => (runtime.table.byName('listener')?.node as ListenerNode | undefined)?.port;
    await eventually(async () => port(), 5000, 'the listener to bind');
    return {
      get: async (path) => {
        const response = await fetch(`http://127.0.0.1:${port()}${path}`, { signal: AbortSignal.timeout(2000) });
        return `${response.status} ${await response.text()}`;
      },
    };
  };

  it('both converge on every change another client makes', async () => {
    const store = await target.open();
    cleanups.push(store.remove);
    // Port 0: each engine binds a port of its own for the same listener spec.
    const seeded = await weft(['apply', '-f', '-', '--store', store.url], { stdin: pingYaml(0) });
    expect(seeded.code, seeded.stderr).toBe(0);
    const engines = [await engine(store.url), await engine(store.url)];
    for (const each of engines) expect(await each.get('/ping')).toBe('200 pong');

    for (let i = 1; i <= CHANGES; i++) {
      const applied = await weft(['apply', '-f', '-', '--store', store.url], { stdin: `kind: snippet\nname: pong\nlanguage: text\ncode: v${i}\n` });
      expect(applied.code, applied.stderr).toBe(0);
      for (const each of engines) await eventually(async () => ((await each.get('/ping')) === `200 v${i}` ? true : undefined), 2000, `v${i} on both engines`);
    }

    const routed = await weft(['apply', '-f', '-', '--store', store.url], {
      stdin: "kind: router\nname: router\nroutes: [{ method: GET, path: /ping, port: 'out[0]' }, { method: GET, path: /other, port: 'out[0]' }]\nlinks:\n  out[0]: [{ name: pong, port: in }]\n",
    });
    expect(routed.code, routed.stderr).toBe(0);
    for (const each of engines) await eventually(async () => ((await each.get('/other')) === `200 v${CHANGES}` ? true : undefined), 2000, 'the new route on both engines');

    const deleted = await weft(['delete', 'pong', '--store', store.url]);
    expect(deleted.code, deleted.stderr).toBe(0);
    // The listener keeps serving; the route through the deleted node answers a coded 503.
    for (const each of engines) {
      await eventually(async () => ((await each.get('/ping')).startsWith('503 ') ? true : undefined), 3000, 'the deleted node to answer 503 on both engines');
      expect(await each.get('/ping')).toContain('ERR_NODE_UNAVAILABLE');
    }
  }, 60_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, type LoaderEvent } from '../../src/index.ts';
import type { ListenerNode } from '../../codecs/network/listener.ts';
import { writePlan } from '../../cli/apply-specs.ts';
import { createScheme } from '../../cli/context.ts';
import { planApply } from '../../cli/plan-apply.ts';
import { parseSpecs } from '../../cli/read-specs.ts';
import { freePort } from '../harness/cli.ts';
import { until, within } from '../harness/wait.ts';

const ping = (code: string, port = 0, extra = '') => `
- kind: listener
  name: listener
  protocol: http
  host: 127.0.0.1
  port: ${port}${extra}
  links:
    out: [{ name: router, port: in }]
- kind: router
  name: router
  routes: [{ method: GET, path: /ping, port: 'out[0]' }]
  links:
    'out[0]': [{ name: pong, port: in }]
- kind: snippet
  name: pong
  language: text
  code: ${code}
`;

describe('the plan\'s node effects match a running engine', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('restarts what it says, relinks the rest, keeps or reopens the socket, and stops what it deletes', async () => {
    const namespace = `ns-${Math.random().toString(36).slice(2, 8)}`;
    const store = new MemoryStore();
    const scheme = createScheme();
    const events: LoaderEvent[] = [];
    const apply = async (yaml: string, prune = false) => {
      const planned = await planApply(parseSpecs(yaml, 'test.yaml'), { scheme, namespace, store, prune });
      const count = events.length;
      await writePlan(planned, store);
      const touched = planned.plan.specs.filter((spec) => spec.action !== 'unchanged').length;
      if (runtime !== undefined) await until(() => events.slice(count).filter((event) => event.type !== 'synced').length >= touched, 3000);
      return Object.fromEntries(planned.plan.nodes.map((node) => [node.node.split('/')[1], node]));
    };
    const node = (name: string) => runtime!.table.byName(name)?.node;
    const port = () => (node('listener') as ListenerNode | undefined)?.port;
    const get = async () => (await fetch(`http://127.0.0.1:${port()}/ping`, { signal: AbortSignal.timeout(2000) })).text();

    await apply(ping('v1'));
    runtime = new Runtime({ namespace, store, scheme, languages: createDefaultLanguages(), onEvent: (event) => events.push(event), drainTimeoutMs: 2000 });
    await within(runtime.start());
    await until(() => port() !== undefined);
    expect(await get()).toBe('v1');

    // Port 0: a reopened socket would bind another port, so an equal port proves it was kept.
    const [firstPort, router, listener] = [port(), node('router'), node('listener')];
    const kept = await apply(ping('v2', 0, '\n  annotations: {reload: "1"}'));
    expect(kept.listener).toMatchObject({ effect: 'restart', socket: 'kept' });
    expect(kept.pong).toMatchObject({ effect: 'restart' });
    expect(kept.router).toMatchObject({ effect: 'relink' });
    expect(node('listener')).not.toBe(listener);
    expect(port()).toBe(firstPort);
    expect(node('router')).toBe(router);
    expect(await get()).toBe('v2');

    const moved = await freePort();
    const reopened = await apply(ping('v2', moved, '\n  annotations: {reload: "1"}'));
    expect(reopened.listener).toMatchObject({ effect: 'restart', socket: 'reopened' });
    await until(() => port() === moved);
    expect(await get()).toBe('v2');

    const pruned = await apply(ping('v2', moved, '\n  annotations: {reload: "1"}').replace(/- kind: snippet[\s\S]*$/, ''), true);
    expect(pruned.pong).toMatchObject({ effect: 'stop' });
    expect(pruned.router).toMatchObject({ effect: 'relink', active: true, unavailable: ['"pong"'] });
    expect(pruned.listener).toBeUndefined();
    await until(() => node('pong') === undefined);
    const response = await fetch(`http://127.0.0.1:${port()}/ping`, { signal: AbortSignal.timeout(2000) });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('ERR_NODE_UNAVAILABLE');
    expect(runtime!.status().find((status) => status.name === 'router')).toMatchObject({ state: 'active', problems: [expect.stringContaining('pong')] });
  });
});

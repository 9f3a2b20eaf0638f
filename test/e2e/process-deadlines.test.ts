import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, type LoaderEvent, type Spec } from '../../src/index.ts';
import type { ListenerNode } from '../../codecs/network/listener.ts';
import { createScheme } from '../../cli/context.ts';
import { until, within } from '../harness/wait.ts';

/** A listener whose requests go to `loop`, a snippet linked to itself (it never replies). */
function loopingWorkflow(language: 'cel' | 'javascript', selfLinked = true): Spec[] {
  const loop: Spec = { kind: 'snippet', name: 'loop', language, code: language === 'cel' ? 'self' : 'export default (x) => x' };
  if (selfLinked) loop.links = { out: [{ name: 'loop', port: 'in' }] };
  return [
    { kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'router', port: 'in' }] } },
    {
      kind: 'router',
      name: 'router',
      routes: [{ method: 'GET', path: '/loop', port: 'out[0]' }, { method: 'GET', path: '/ping', port: 'out[1]' }],
      links: { 'out[0]': [{ name: 'loop', port: 'in' }], 'out[1]': [{ name: 'pong', port: 'in' }] },
    },
    { kind: 'snippet', name: 'pong', language: 'javascript', code: 'export default () => "pong"' },
    loop,
  ];
}

describe('work that never ends is ended', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  async function start(specs: Spec[], options: { processTimeoutMs?: number; drainTimeoutMs?: number } = {}) {
    const store = new MemoryStore();
    await store.insert(specs);
    const events: LoaderEvent[] = [];
    runtime = new Runtime({ store, scheme: createScheme(), languages: createDefaultLanguages(), onEvent: (event) => events.push(event), ...options });
    await within(runtime.start(), 10_000);
    const port = (runtime.table.byName('listener')!.node as ListenerNode).port!;
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(8000) });
      return { status: response.status, body: await response.text() };
    };
    return { store, events, get, runtime };
  }

  it('answers a synchronous cycle without an exit with ERR_RECURSION_LIMIT, and keeps serving', async () => {
    const { get } = await start(loopingWorkflow('cel'));
    const looped = await get('/loop');
    // A workflow's own limit is a server-side failure, not a rate limit (429 is for admission limits).
    expect(looped.status).toBe(500);
    expect(looped.body).toContain('ERR_RECURSION_LIMIT');
    expect(await get('/ping')).toEqual({ status: 200, body: 'pong' });
  });

  it('answers a snippet that blows its memory limit with 500 ERR_SNIPPET_MEMORY (a server-side failure, not 429), and keeps serving', async () => {
    const specs = loopingWorkflow('javascript', false);
    const hog = specs.find((spec) => spec.name === 'loop')!;
    hog.code = 'export default () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); }';
    (hog as Spec & { memory?: number }).memory = 16;
    const { get } = await start(specs);
    const blown = await get('/loop');
    expect(blown.status).toBe(500);
    expect(blown.body).toContain('ERR_SNIPPET_MEMORY');
    expect(await get('/ping')).toEqual({ status: 200, body: 'pong' });
  }, 30_000);

  it('ends a sandboxed snippet linked to itself at the process deadline with 504, and the sandbox serves others after', async () => {
    const { get, runtime } = await start(loopingWorkflow('javascript'), { processTimeoutMs: 400 });
    expect(await get('/ping')).toEqual({ status: 200, body: 'pong' });
    const started = performance.now();
    const looped = await get('/loop');
    expect(looped.status).toBe(504);
    expect(looped.body).toContain('ERR_PROCESS_DEADLINE');
    expect(performance.now() - started).toBeLessThan(5000);
    await until(() => runtime.processes.size === 0, 3000);
    expect(await get('/ping')).toEqual({ status: 200, body: 'pong' });
  });

  it('stops the loop of a node a reload replaced, at the drain deadline, though its process has no deadline', async () => {
    const { store, events, get, runtime } = await start(loopingWorkflow('javascript'), { processTimeoutMs: 0, drainTimeoutMs: 300 });
    const looping = get('/loop');
    await until(() => runtime.processes.size === 1, 3000);
    const [loop] = await store.find({ name: 'loop' });
    const unlinked: Spec = { ...loop! };
    delete unlinked.links;
    await store.update([unlinked]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 'loop' && event.revision === 2), 3000);
    const answer = await within(looping, 6000);
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('ERR_NODE_CLOSED');
    await until(() => runtime.processes.size === 0, 3000);
    expect(await get('/loop')).toEqual({ status: 200, body: '' });
  });
});

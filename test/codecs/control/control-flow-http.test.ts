import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultLanguages, defineKind, OneToOneNode, openStore, Packet, Runtime, Scheme, WeftError, type Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { until, within } from '../../harness/wait.ts';
import { appendKind } from './test-kinds.ts';

/** Bodies the `record` kind saw, by run (random tag per test file). */
const recorded: unknown[] = [];
const recordKind = defineKind({
  kind: 'record',
  description: 'records the request body after a short delay',
  schema: Type.Object({}),
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: () => new OneToOneNode(async (_process, packet) => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    recorded.push((packet.payload as { body: unknown }).body);
    return Packet.None;
  }),
});

/** `flaky`: fails `failures` times (unavailable), then answers "recovered"; counts per node. */
const flakyKind = defineKind({
  kind: 'flaky',
  description: 'fails a number of times, then succeeds',
  schema: Type.Object({ failures: Type.Integer() }),
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (spec) => {
    let calls = 0;
    return new OneToOneNode(() => (++calls <= spec.failures ? new Packet(new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'busy' })) : new Packet('recovered')));
  },
});

const to = (name: string, port = 'in') => [{ name, port }];
const route = (method: string, path: string, index: number) => ({ method, path, port: `out[${index}]` });

function workflow(namespace: string): Spec[] {
  const specs: Spec[] = [
    { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: to('router') } },
    {
      kind: 'router', name: 'router',
      routes: [
        route('GET', '/greeting', 0), route('GET', '/users/:id', 1), route('GET', '/items', 2), route('GET', '/guarded', 3),
        route('GET', '/slow', 4), route('GET', '/flaky', 5), route('POST', '/jobs', 6), route('GET', '/chain', 7),
      ],
      links: {
        'out[0]': to('greeting'), 'out[1]': to('user'), 'out[2]': to('items'), 'out[3]': to('guarded'),
        'out[4]': to('slow'), 'out[5]': to('again'), 'out[6]': to('jobs'), 'out[7]': to('chain'),
      },
    },
    { kind: 'block', name: 'greeting', specs: [{ kind: 'snippet', language: 'text', code: 'hello' }, { kind: 'append', suffix: ', world' }] },
    {
      kind: 'block', name: 'user',
      specs: [{ kind: 'snippet', language: 'yaml', code: 'message: no such user\ncategory: not found' }, { kind: 'throw' }],
    },
    { kind: 'block', name: 'items', specs: [{ kind: 'snippet', language: 'json', code: '[1, 2, 3]' }, { kind: 'for' }] },
    { kind: 'try', name: 'guarded', links: { out: to('broken'), error: to('sorry') } },
    { kind: 'throw', name: 'broken', category: 'unavailable', message: 'backend down' },
    { kind: 'snippet', name: 'sorry', language: 'yaml', code: 'status: 503\nheader: {Retry-After: "1"}\nbody: {error: try later}' },
    { kind: 'sleep', name: 'slow', duration: '30ms', links: { out: to('rested') } },
    { kind: 'snippet', name: 'rested', language: 'text', code: 'rested' },
    { kind: 'retry', name: 'again', limit: 3, delay: '1ms', links: { out: to('wobbly') } },
    { kind: 'flaky', name: 'wobbly', failures: 2 },
    { kind: 'fork', name: 'jobs', links: { out: to('record') } },
    { kind: 'record', name: 'record' },
    { kind: 'call', name: 'chain', links: { 'out[0]': to('numbers'), 'out[1]': to('spread') } },
    { kind: 'snippet', name: 'numbers', language: 'json', code: '["a", "b"]' },
    { kind: 'split', name: 'spread', links: { 'out[0]': to('join', 'in[0]'), 'out[1]': to('join', 'in[1]') } },
    { kind: 'merge', name: 'join' },
  ];
  return specs.map((spec) => ({ ...spec, namespace }));
}

describe('control-flow kinds through real HTTP (runtime, memory store: listener → router → kinds)', () => {
  let runtime: Runtime;
  let base: string;

  beforeAll(async () => {
    const namespace = `control-${Math.random().toString(36).slice(2, 10)}`;
    const store = await openStore('memory://');
    await store.insert(workflow(namespace));
    const scheme = new Scheme({ kinds: [...coreKinds, appendKind, recordKind, flakyKind] });
    runtime = new Runtime({ namespace, store, scheme, languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
    await within(runtime.start(), 5000);
    await until(() => runtime.table.byName('http')?.state === 'active', 5000);
    base = `http://127.0.0.1:${(runtime.table.byName('http')!.node as ListenerNode).port}`;
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const request = (path: string, init: RequestInit = {}) => fetch(base + path, { ...init, signal: AbortSignal.timeout(5000) });

  it('answers with the last output of a block', async () => {
    const response = await request('/greeting');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello, world');
  });

  it('answers a block whose throw step fails with the thrown category’s status and code', async () => {
    const response = await request('/users/42');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'ERR_THROWN_NOT_FOUND', message: 'no such user' } });
  });

  it('loops over a list inside a block', async () => {
    const response = await request('/items');
    expect(await response.json()).toEqual([1, 2, 3]);
  });

  it('catches a downstream error with try and answers with the catch', async () => {
    const response = await request('/guarded');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: 'try later' });
  });

  it('sleeps before answering', async () => {
    const started = performance.now();
    const response = await request('/slow');
    expect(await response.text()).toBe('rested');
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('retries a flaky downstream until it recovers', async () => {
    const response = await request('/flaky');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('recovered');
  });

  it('answers a fork at once (empty 200) and finishes the forked work', async () => {
    const tag = Math.random().toString(36).slice(2);
    const response = await request('/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tag }) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await until(() => recorded.some((body) => (body as { tag?: string }).tag === tag), 2000);
  });

  it('calls a constant, splits its list and merges the branches again', async () => {
    const response = await request('/chain');
    expect(await response.json()).toEqual(['a', 'b']);
  });
});

import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { CacheNode } from '../../../codecs/control/cache.ts';
import { cacheKey } from '../../../codecs/control/cache-key.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { within } from '../../harness/wait.ts';
import { probe } from './test-kinds.ts';

const ask = async (node: CacheNode, payload: unknown) => (await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(payload))))).payload;

describe('cache', () => {
  it('answers a repeated input from the cache, synchronously, without calling out again (object key order aside)', async () => {
    const node = new CacheNode({ capacity: 10, ttlMs: 0 });
    const calls = probe(node.out('out')!, async (payload) => ({ looked: payload }));
    expect(await ask(node, { id: 1, v: 'x' })).toEqual({ looked: { id: 1, v: 'x' } });
    const hit = node.in('in')!.handle(new Process(), new Packet({ v: 'x', id: 1 }));
    expect(hit).toBeInstanceOf(Packet);
    expect((hit as Packet).payload).toEqual({ looked: { id: 1, v: 'x' } });
    expect(calls).toHaveLength(1);
    await ask(node, { id: 2, v: 'x' });
    expect(calls).toHaveLength(2);
  });

  it('does not store error or None replies, nor use an error input as a key', async () => {
    const node = new CacheNode({ capacity: 10, ttlMs: 0 });
    let fail = true;
    const calls = probe(node.out('out')!, (payload) => (payload === 'none' ? Packet.None : fail ? new Packet(new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'down' })) : 'up'));
    expect((await ask(node, 'k') as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    fail = false;
    expect(await ask(node, 'k')).toBe('up');
    expect(await ask(node, 'k')).toBe('up');
    await ask(node, 'none');
    await ask(node, 'none');
    await ask(node, new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'as input' }));
    expect(calls.map((call) => call.payload instanceof Error ? 'error' : call.payload)).toEqual(['k', 'k', 'none', 'none', 'error']);
    expect(node.size).toBe(1);
  });

  it('evicts the least recently used entry past capacity, and the largest past maxBytes', async () => {
    const node = new CacheNode({ capacity: 2, ttlMs: 0 });
    const calls = probe(node.out('out')!);
    await ask(node, 'a');
    await ask(node, 'b');
    await ask(node, 'a');
    await ask(node, 'c');
    expect(node.size).toBe(2);
    await ask(node, 'a');
    await ask(node, 'b');
    expect(calls.map((call) => call.payload)).toEqual(['a', 'b', 'c', 'b']);
    const small = new CacheNode({ capacity: 100, ttlMs: 0, maxBytes: 100 });
    probe(small.out('out')!, () => 'x'.repeat(200));
    await ask(small, 'big');
    expect(small.size).toBe(0);
    const bounded = new CacheNode({ capacity: 1000, ttlMs: 0, maxBytes: 1000 });
    probe(bounded.out('out')!, () => 'x'.repeat(50));
    for (let i = 0; i < 100; i++) await ask(bounded, i);
    expect(bounded.size).toBeLessThanOrEqual(1000 / 50);
  });

  it('expires entries after ttl', async () => {
    const node = new CacheNode({ capacity: 10, ttlMs: 30 });
    const calls = probe(node.out('out')!);
    await ask(node, 'a');
    await ask(node, 'a');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await ask(node, 'a');
    expect(calls).toHaveLength(2);
  });

  it('compiles from a spec (ttl or uniflow\'s interval, not both) and caches a snippet\'s replies in a flow', async () => {
    const scheme = new Scheme({ kinds: coreKinds });
    expect(scheme.validate({ kind: 'cache', capacity: 10, ttl: '1m' })).toEqual([]);
    expect(scheme.validate({ kind: 'cache', interval: '1m' })).toEqual([]);
    expect(scheme.validate({ kind: 'cache', ttl: '1m', interval: '1m' }).map((problem) => problem.path)).toEqual(['interval']);
    expect(scheme.validate({ kind: 'cache', capacity: 0 }).map((problem) => problem.path)).toEqual(['capacity']);
    const wired = await wire([
      { kind: 'cache', name: 'cached', capacity: 5, ttl: '1m', links: { out: [{ name: 'slow', port: 'in' }] } },
      { kind: 'snippet', name: 'slow', language: 'javascript', code: 'let n = 0; export default (x) => ({ x, n: ++n });' },
    ]);
    try {
      expect((await wired.send('cached', 7)).payload).toEqual({ x: 7, n: 1 });
      expect((await wired.send('cached', 7)).payload).toEqual({ x: 7, n: 1 });
      expect((await wired.send('cached', 8)).payload).toEqual({ x: 8, n: 2 });
    } finally {
      await wired.close();
    }
  });

  it('keys equal payloads alike and look-alike payloads apart', () => {
    expect(cacheKey({ a: 1, b: [1, 'x'] })).toBe(cacheKey({ b: [1, 'x'], a: 1 }));
    const distinct = [1, '1', 1n, [1], { 0: 1 }, new Uint8Array([1]), null, true, 'true'].map(cacheKey);
    expect(new Set(distinct).size).toBe(distinct.length);
    expect(cacheKey(new Error('x'))).toBeUndefined();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(cacheKey(cycle)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { RetryNode, retryPolicy, type RetryPolicy } from '../../../codecs/control/retry.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { within } from '../../harness/wait.ts';
import { probe } from './test-kinds.ts';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...retryPolicy({ delay: 1, jitter: 0 }), ...overrides });
const unavailable = (message = 'down') => new Packet(new WeftError('ERR_THROWN_UNAVAILABLE', { message }));

/** A downstream that fails with `failure()` the first `failures` times, then echoes; records attempt times. */
function flaky(node: RetryNode, failures: number, failure: () => Packet = unavailable) {
  const times: number[] = [];
  const calls = probe(node.out('out')!, (payload) => {
    times.push(performance.now());
    return times.length <= failures ? failure() : `${String(payload)} ok`;
  });
  return { calls, times };
}

describe('retry', () => {
  it('resends the same input after a transient error and replies with the first success', async () => {
    const node = new RetryNode(policy());
    const { calls } = flaky(node, 2);
    expect((await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('x'))))).payload).toBe('x ok');
    expect(calls.map((call) => call.payload)).toEqual(['x', 'x', 'x']);
  });

  it('stays synchronous when the first attempt is not a retryable error', () => {
    const node = new RetryNode(policy());
    flaky(node, 0);
    const reply = node.in('in')!.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Packet);
  });

  it('gives up after limit retries with the last error, on error when linked', async () => {
    const node = new RetryNode(policy({ limit: 2 }));
    let n = 0;
    const { calls } = flaky(node, Infinity, () => unavailable(`down ${++n}`));
    const reply = await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('x'))));
    expect((reply.payload as WeftError).message).toBe('down 3');
    expect(calls).toHaveLength(3);
    const caught = probe(node.out('error')!, () => 'handled');
    expect((await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('x'))))).payload).toBe('handled');
    expect((caught[0]!.payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
  });

  it('does not retry errors outside retryOn; retryOn takes categories, codes and "*"', async () => {
    const notFound = () => new Packet(new WeftError('ERR_THROWN_NOT_FOUND', { message: 'gone' }));
    const plain = new RetryNode(policy());
    const once = flaky(plain, 5, notFound);
    expect(((await plain.in('in')!.handle(new Process(), new Packet('x'))).payload as WeftError).code).toBe('ERR_THROWN_NOT_FOUND');
    expect(once.calls).toHaveLength(1);
    for (const retryOn of [['not found'], ['ERR_THROWN_NOT_FOUND'], ['*']]) {
      const node = new RetryNode(policy({ retryOn }));
      const { calls } = flaky(node, 1, notFound);
      expect((await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('x'))))).payload).toBe('x ok');
      expect(calls).toHaveLength(2);
    }
  });

  it('matches a category anywhere in the error chain (a merged fan-out error)', async () => {
    const node = new RetryNode(policy());
    const merged = () => new Packet(new WeftError('ERR_MULTIPLE', { message: 'a\nb' }, { cause: new AggregateError([unavailable().payload as Error]) }));
    const { calls } = flaky(node, 1, merged);
    expect((await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('x'))))).payload).toBe('x ok');
    expect(calls).toHaveLength(2);
  });

  it('waits delay·2^(n-1) before retry n (lower bounds; jitter 0)', async () => {
    const node = new RetryNode(policy({ delayMs: 20, jitter: 0 }));
    const { times } = flaky(node, 3);
    await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('x'))), 5000);
    const gaps = times.slice(1).map((time, index) => time - times[index]!);
    expect(gaps).toHaveLength(3);
    [20, 40, 80].forEach((least, index) => expect(gaps[index]).toBeGreaterThanOrEqual(least - 1));
  });

  it('caps waits at maxDelay and cuts up to jitter of each at random', () => {
    const node = new RetryNode(policy({ delayMs: 100, maxDelayMs: 300, jitter: 0.5 }));
    for (let i = 0; i < 50; i++) {
      const first = node.backoff(1);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      const capped = node.backoff(10);
      expect(capped).toBeGreaterThanOrEqual(150);
      expect(capped).toBeLessThanOrEqual(300);
    }
    expect(new RetryNode(policy({ delayMs: 100, maxDelayMs: 10_000, jitter: 0 })).backoff(3)).toBe(400);
  });

  it('stops waiting when the process ends: ERR_PROCESS_ABORTED caused by the last error', async () => {
    const node = new RetryNode(policy({ delayMs: 60_000 }));
    const { calls } = flaky(node, Infinity);
    const process = new Process();
    const reply = node.in('in')!.handle(process, new Packet('x'));
    setTimeout(() => void process.exit(), 10);
    const packet = await within(Promise.resolve(reply), 2000);
    expect((packet.payload as WeftError).code).toBe('ERR_PROCESS_ABORTED');
    expect(((packet.payload as WeftError).cause as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    expect(calls).toHaveLength(1);
  });

  it('fills defaults and accepts uniflow’s threshold; validates its fields', () => {
    expect(retryPolicy({})).toEqual({ limit: 3, delayMs: 100, maxDelayMs: 10_000, jitter: 0.5, retryOn: ['unavailable', 'deadline exceeded', 'resource exhausted'] });
    expect(retryPolicy({ threshold: 5, delay: '1s', maxDelay: '1m' })).toMatchObject({ limit: 5, delayMs: 1000, maxDelayMs: 60_000 });
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (spec: Record<string, unknown>) => scheme.validate({ kind: 'retry', ...spec }).map((problem) => problem.path);
    expect(paths({ limit: 2, delay: '50ms', maxDelay: '1s', jitter: 0.2, retryOn: ['unavailable', 'ERR_NODE_CLOSED', '*'] })).toEqual([]);
    expect(paths({ limit: 1, threshold: 1 })).toEqual(['threshold']);
    expect(paths({ retryOn: ['unavailable', 'flaky'] })).toEqual(['retryOn[1]']);
    expect(paths({ limit: -1, jitter: 2 }).sort()).toEqual(['jitter', 'limit']);
  });

  it('retries a wired downstream (a throw that is unavailable) and gives up with its error', async () => {
    const wired = await wire([
      { kind: 'retry', name: 'again', limit: 2, delay: '1ms', links: { out: [{ name: 'down', port: 'in' }] } },
      { kind: 'throw', name: 'down', category: 'unavailable', message: 'service down' },
    ]);
    try {
      const reply = await within(wired.send('again', 'x'));
      expect((reply.payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    } finally {
      await wired.close();
    }
  });
});

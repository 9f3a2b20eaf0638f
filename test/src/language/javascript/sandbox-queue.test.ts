import { afterEach, describe, expect, it } from 'vitest';
import { httpStatusOf, javascriptLanguage, type SandboxedLanguage, type WeftError } from '../../../../src/index.ts';
import { within } from '../../../harness/wait.ts';

const QUEUE_TIMEOUT_MS = 1000;
const LOOP = 'export default () => { for (;;) {} }';
const busyFor = (ms: number): string => `export default (n) => { const end = Date.now() + ${ms}; while (Date.now() < end) {} return n }`;

/** `calls` as outcomes: the value, or the error's code. */
function outcomes(calls: readonly unknown[]): Promise<unknown[]> {
  return Promise.all(calls.map((call) => Promise.resolve(call).then((value) => value, (error: WeftError) => error.code)));
}

describe('the process sandbox queue', () => {
  const opened: SandboxedLanguage[] = [];
  function language(): SandboxedLanguage {
    const javascript = javascriptLanguage({ processes: 2, queueTimeoutMs: QUEUE_TIMEOUT_MS, limits: { memoryMb: 16, timeoutMs: 2000 } });
    opened.push(javascript);
    return javascript;
  }
  afterEach(async () => {
    for (const javascript of opened.splice(0)) await javascript.close();
  });

  it('lets two calls of a looping snippet hold one child, not both: other snippets keep answering, the second loop call gets ERR_SANDBOX_BUSY', async () => {
    const javascript = language();
    const healthy = await javascript.compile('export default (n) => n');
    const loop = await javascript.compile(LOOP, { timeoutMs: 2500 });
    const loops = outcomes([loop.run(null), loop.run(null)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      expect(await within(Promise.resolve(healthy.run(i)), 2000)).toBe(i);
      expect(performance.now() - started).toBeLessThan(500);
    }
    const [first, second] = await within(loops, 10_000);
    expect(first).toBe('ERR_SNIPPET_TIMEOUT');
    expect(second).toBe('ERR_SANDBOX_BUSY');
  });

  it('answers an unrelated snippet at once while 200 slow calls wait; the slow calls past the queue deadline fail with a 503', async () => {
    const javascript = language();
    const healthy = await javascript.compile('export default (n) => n');
    const slow = await javascript.compile(busyFor(50));
    const started = performance.now();
    const slows = outcomes(Array.from({ length: 200 }, (_, i) => slow.run(i)));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const asked = performance.now();
    expect(await within(Promise.resolve(healthy.run('me')), 2000)).toBe('me');
    expect(performance.now() - asked).toBeLessThan(300);
    const settled = await within(slows, 15_000);
    expect(performance.now() - started).toBeLessThan(QUEUE_TIMEOUT_MS + 3000);
    const busy = settled.filter((outcome) => outcome === 'ERR_SANDBOX_BUSY');
    expect(settled.filter((outcome) => typeof outcome === 'number').length).toBeGreaterThan(0);
    expect(busy.length + settled.filter((outcome) => typeof outcome === 'number').length).toBe(200);
    expect(busy.length).toBeGreaterThan(0);
    expect(httpStatusOf.unavailable).toBe(503);
  });

  it('takes back the calls waiting behind a long call on one child and answers them on the other', async () => {
    const javascript = language();
    const fast = await javascript.compile('export default (n) => n * 2');
    expect(await fast.run(1)).toBe(2);
    const long = await javascript.compile(busyFor(1500));
    const holding = Promise.resolve(long.run('long'));
    const started = performance.now();
    const replies = await within(Promise.all(Array.from({ length: 20 }, (_, i) => fast.run(i))), 5000);
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(performance.now() - started).toBeLessThan(700);
    expect(await within(holding, 5000)).toBe('long');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpStatusOf, javascriptLanguages, WeftError, type LanguageLogger, type Program } from '../../../../src/index.ts';
import { until, within } from '../../../harness/wait.ts';

/** Small limits keep the bombs quick: 16 MiB of heap, 500 ms per call, 1 MiB payloads (a small child heap). */
const LIMITS = { memoryMb: 16, timeoutMs: 500, payloadMb: 1 } as const;
const SLACK_MS = 3000;

/** A logger that keeps its lines. */
function recorder(): LanguageLogger & { lines: { level: string; fields: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
}

async function failure(run: () => unknown): Promise<{ error: WeftError; ms: number }> {
  const started = performance.now();
  const error = await within(Promise.resolve().then(run).then(() => undefined, (thrown: unknown) => thrown), 20_000);
  expect(error).toBeInstanceOf(WeftError);
  return { error: error as WeftError, ms: performance.now() - started };
}

describe('sandbox processes lost to a snippet (process isolation)', () => {
  const log = recorder();
  const [javascript] = javascriptLanguages({ isolation: 'process', processes: 2, limits: LIMITS });
  let healthy: Program;
  beforeAll(async () => {
    healthy = await javascript.compile('export default (input) => ({ ok: input })', { label: 'healthy' });
  });
  afterAll(async () => {
    await healthy?.close?.();
    await javascript.close();
  });

  for (const [name, bomb, codes] of [
    ['Map bomb', 'export default () => { const map = new Map(); for (let i = 0; ; i++) map.set(i, { i }); }', ['ERR_SNIPPET_MEMORY']],
    // A dictionary this large spends seconds in GC near its limit: the timeout may come first.
    ['object-key bomb', 'export default () => { const object = {}; for (let i = 0; ; i++) object["k" + i] = i; }', ['ERR_SNIPPET_MEMORY', 'ERR_SNIPPET_TIMEOUT']],
  ] as const) {
    it(`blames a ${name} that crashes V8 on the call that ran it, logs it, replaces the child, and answers the calls in flight beside it`, async () => {
      const before = [...javascript.sandbox.processIds];
      const program = await javascript.compile(bomb, { timeoutMs: 3000, label: `bomb-${name}`, logger: log });
      const beside = Array.from({ length: 8 }, (_, i) => Promise.resolve(healthy.run(i)));
      const { error, ms } = await failure(() => program.run(null));
      expect(codes).toContain(error.code);
      expect(ms).toBeLessThan(3000 + SLACK_MS);
      expect(await within(Promise.all(beside), 10_000)).toEqual(Array.from({ length: 8 }, (_, i) => ({ ok: i })));
      expect(await within(Promise.resolve(healthy.run('after')), 10_000)).toEqual({ ok: 'after' });
      await until(() => javascript.sandbox.processIds.length === 2, 10_000);
      if (error.code === 'ERR_SNIPPET_MEMORY') {
        expect(javascript.sandbox.processIds.filter((pid) => !before.includes(pid)).length).toBeGreaterThanOrEqual(1);
        expect(log.lines.some((line) => line.fields.node === `bomb-${name}`)).toBe(true);
      }
      await program.close?.();
    });
  }

  it('kills a child stuck in an uninterruptible built-in (a huge Array.prototype.fill) past its timeout: ERR_SNIPPET_TIMEOUT', async () => {
    const program = await javascript.compile('export default () => new Array(2 ** 27).fill(0).length', { timeoutMs: 300, label: 'fill', logger: log });
    const { error, ms } = await failure(() => program.run(null));
    expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_TIMEOUT', category: 'deadline exceeded' });
    expect(ms).toBeLessThan(300 + 1000 + SLACK_MS);
    expect(await within(Promise.resolve(healthy.run(1)), 10_000)).toEqual({ ok: 1 });
    await program.close?.();
  });

  it('kills a child whose memory outgrows its budget outside the heap checks (a huge split): ERR_SNIPPET_MEMORY', async () => {
    const program = await javascript.compile('export default () => "ab".repeat(2 ** 26).split("").length', { timeoutMs: 5000, label: 'split', logger: log });
    const { error } = await failure(() => program.run(null));
    expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_MEMORY', category: 'resource exhausted' });
    expect(log.lines.some((line) => line.fields.node === 'split' && line.level === 'warn')).toBe(true);
    expect(await within(Promise.resolve(healthy.run(1)), 10_000)).toEqual({ ok: 1 });
    await program.close?.();
  });
});

describe('a sandbox child killed from outside (process isolation)', () => {
  const log = recorder();
  const [javascript] = javascriptLanguages({ isolation: 'process', processes: 1, limits: LIMITS, logger: log });
  afterAll(() => javascript.close());

  it('fails the request it was running with a 5xx coded error, logs it, and serves the next call', async () => {
    const slow = await javascript.compile('export default () => { const end = Date.now() + 3000; while (Date.now() < end) {} return "done" }', { label: 'slow', timeoutMs: 5000 });
    const [pid] = javascript.sandbox.processIds;
    const pending = failure(() => slow.run(null));
    // Long enough for the child to have started the call and reported it, even on a loaded machine.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.kill(pid!, 'SIGKILL');
    const { error } = await pending;
    expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SANDBOX_CRASHED', category: 'unavailable' });
    expect(httpStatusOf[error.category]).toBe(503);
    expect(log.lines.some((line) => line.level === 'error' && line.fields.node === 'slow' && (line.fields.nodes as string[]).includes('slow'))).toBe(true);
    expect(await within(Promise.resolve(slow.run(null)), 10_000)).toBe('done');
    expect(javascript.sandbox.processIds[0]).not.toBe(pid);
    await slow.close?.();
  });

  it('sends the calls waiting behind the killed one again: they answer', async () => {
    const slow = await javascript.compile('export default (n) => { const end = Date.now() + 600; while (Date.now() < end) {} return n }', { label: 'slow-many', timeoutMs: 3000 });
    const [pid] = javascript.sandbox.processIds;
    const calls = Array.from({ length: 4 }, (_, i) => Promise.resolve(slow.run(i)).then((value) => value, (thrown: WeftError) => thrown.code));
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(pid!, 'SIGKILL');
    const outcomes = await within(Promise.all(calls), 15_000);
    // The call seen running fails; one killed before the engine saw it run is sent again too.
    expect(['ERR_SANDBOX_CRASHED', 0]).toContain(outcomes[0]);
    expect(outcomes.slice(1)).toEqual([1, 2, 3]);
    await slow.close?.();
  });
});

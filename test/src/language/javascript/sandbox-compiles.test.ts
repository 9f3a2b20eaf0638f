import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javascriptLanguages, WeftError, type Program } from '../../../../src/index.ts';
import { within } from '../../../harness/wait.ts';

const LIMITS = { memoryMb: 16, timeoutMs: 500, payloadMb: 1 } as const;
const SLACK_MS = 3000;

async function compileError(compiling: () => unknown): Promise<{ error: WeftError; ms: number }> {
  const started = performance.now();
  const error = await within(Promise.resolve().then(compiling).then(() => undefined, (thrown: unknown) => thrown), 20_000);
  expect(error).toBeInstanceOf(WeftError);
  return { error: error as WeftError, ms: performance.now() - started };
}

describe('hanging and crashing top-level code (process isolation)', () => {
  const [javascript] = javascriptLanguages({ isolation: 'process', processes: 2, limits: LIMITS });
  let healthy: Program;
  let slow: Program;
  beforeAll(async () => {
    healthy = await javascript.compile('export default (input) => ({ ok: input })');
    // A generous timeout: on a loaded machine a 50 ms loop may be descheduled for longer.
    slow = await javascript.compile('export default (n) => { const end = Date.now() + 50; while (Date.now() < end) {} return n }', { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await healthy?.close?.();
    await slow?.close?.();
    await javascript.close();
  });

  it('ends a top-level loop at its timeout with ERR_SNIPPET_COMPILE, keeping every child and the calls in flight', async () => {
    const pids = [...javascript.sandbox.processIds];
    const beside = Array.from({ length: 6 }, (_, i) => Promise.resolve(slow.run(i)));
    const { error, ms } = await compileError(() => javascript.compile('for (;;) {} export default () => 1'));
    expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_COMPILE', category: 'invalid argument' });
    expect(ms).toBeLessThan(LIMITS.timeoutMs + SLACK_MS);
    expect(await within(Promise.all(beside), 10_000)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(javascript.sandbox.processIds).toEqual(pids);
  });

  it('kills the one child stuck copying a hostile top-level throw: ERR_SNIPPET_COMPILE (not retryable), calls in flight answered', async () => {
    const pids = [...javascript.sandbox.processIds];
    const beside = Array.from({ length: 6 }, (_, i) => Promise.resolve(slow.run(i)));
    const { error, ms } = await compileError(() => javascript.compile('throw { get message() { for (;;) {} } }; export default () => 1'));
    expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_COMPILE', category: 'invalid argument' });
    expect(ms).toBeLessThan(LIMITS.timeoutMs + 1000 + SLACK_MS);
    expect(await within(Promise.all(beside), 10_000)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await within(Promise.resolve(healthy.run(1)), 10_000)).toEqual({ ok: 1 });
    expect(javascript.sandbox.processIds.filter((pid) => pids.includes(pid))).toHaveLength(1);
  });

  it('fails a top-level Map bomb with ERR_SNIPPET_COMPILE and does not replay it on the replacement', async () => {
    const bomb = 'const map = new Map(); for (let i = 0; ; i++) map.set(i, { i }); export default () => 1';
    const { error } = await compileError(() => javascript.compile(bomb, { timeoutMs: 10_000 }));
    expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_COMPILE', category: 'invalid argument' });
    const replies = await within(Promise.all(Array.from({ length: 8 }, (_, i) => healthy.run(i))), 10_000);
    expect(replies).toEqual(Array.from({ length: 8 }, (_, i) => ({ ok: i })));
    expect(javascript.sandbox.processIds).toHaveLength(2);
  });
});

for (const isolation of ['process', 'in-process'] as const) {
  describe(`compile errors stay short (${isolation})`, () => {
    const [javascript, typescript] = javascriptLanguages({ isolation, limits: LIMITS });
    afterAll(() => javascript.close());

    it('names the position and an excerpt, never the whole code, for JavaScript and TypeScript', async () => {
      const huge = `const ${'a'.repeat(1_000_000)} = 1;\nexport default () => { return 1 +; }`;
      for (const [language, code] of [[javascript, huge], [typescript, huge], [javascript, `export default () => ${'x'.repeat(1_000_000)} y`]] as const) {
        const { error } = await compileError(() => language.compile(code));
        expect(error.code).toBe('ERR_SNIPPET_COMPILE');
        expect(error.message.length).toBeLessThan(400);
        expect(error.cause).toBeUndefined();
      }
      const { error } = await compileError(() => javascript.compile(`// ${'x'.repeat(1000)}\nexport default () => { return 1 +; }`));
      expect(error.params.reason).toMatch(/at 2:\d+ near ".*return 1 \+;.*"/);
    });

    it('ends a top-level loop at its timeout with ERR_SNIPPET_COMPILE', async () => {
      const { error, ms } = await compileError(() => javascript.compile('for (;;) {} export default () => 1'));
      expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_COMPILE', category: 'invalid argument' });
      expect(ms).toBeLessThan(LIMITS.timeoutMs + SLACK_MS);
    });
  });
}

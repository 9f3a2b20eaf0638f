import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javascriptLanguages, WeftError, type CompileOptions, type Program } from '../../../../src/index.ts';

/** Small limits keep the bombs quick: 16 MiB of heap, 500 ms per call. */
const LIMITS = { memoryMb: 16, timeoutMs: 500 } as const;
/** What "within its limit" allows on top of the timeout on a loaded 2-core machine. */
const SLACK_MS = 3000;

const ARRAY_BOMB = 'export default (input) => { if (input === "bomb") { const all = []; for (;;) all.push(new Array(1e5).fill(1.5)); } return "fine" }';
const MAP_BOMB = 'export default () => { const map = new Map(); for (let i = 0; ; i++) map.set(i, { i }); }';
const KEY_BOMB = 'export default () => { const object = {}; for (let i = 0; ; i++) object["k" + i] = i; }';

/** The error a call fails with, and how long it took. */
async function fails(program: Program, input: unknown = null): Promise<{ error: WeftError; ms: number }> {
  const started = performance.now();
  const error = await Promise.resolve().then(() => program.run(input)).then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(WeftError);
  return { error: error as WeftError, ms: performance.now() - started };
}

for (const isolation of ['process', 'in-process'] as const) {
  describe(`hostile snippets (${isolation})`, () => {
    const [javascript] = javascriptLanguages({ isolation, limits: LIMITS });
    let healthy: Program;
    beforeAll(async () => {
      healthy = await javascript.compile('export default (input) => ({ ok: input })');
    });
    afterAll(async () => {
      await healthy?.close?.();
      await javascript.close();
    });

    /** Compiles `code`, checks its first call fails with `code`/`category`, then that other snippets still answer. */
    async function expectContained(source: string, expected: { code: string; category: string }, options?: CompileOptions): Promise<Program> {
      const program = await javascript.compile(source, options);
      const { error, ms } = await fails(program);
      expect({ code: error.code, category: error.category }).toEqual(expected);
      expect(ms).toBeLessThan((options?.timeoutMs ?? LIMITS.timeoutMs) + SLACK_MS);
      expect(await healthy.run(1)).toEqual({ ok: 1 });
      return program;
    }

    it('stops an infinite loop at its timeout, and can call it again', async () => {
      const program = await expectContained('export default () => { for (;;) {} }', { code: 'ERR_SNIPPET_TIMEOUT', category: 'deadline exceeded' });
      expect((await fails(program)).error.code).toBe('ERR_SNIPPET_TIMEOUT');
      await program.close?.();
    });

    it('stops an async function that never resolves at its timeout', async () => {
      const program = await expectContained('export default async () => { await new Promise(() => {}); }', { code: 'ERR_SNIPPET_TIMEOUT', category: 'deadline exceeded' }, { timeoutMs: 300 });
      await program.close?.();
    });

    it('stops an endless chain of awaits at its timeout', async () => {
      const program = await expectContained('export default async () => { for (;;) await null; }', { code: 'ERR_SNIPPET_TIMEOUT', category: 'deadline exceeded' });
      await program.close?.();
    });

    it('stops an array bomb at the heap limit, and rebuilds the snippet for its next call', async () => {
      const program = await javascript.compile(ARRAY_BOMB, { timeoutMs: 5000 });
      const { error } = await fails(program, 'bomb');
      expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_MEMORY', category: 'resource exhausted' });
      expect(await program.run('calm')).toBe('fine');
      expect(await healthy.run(2)).toEqual({ ok: 2 });
      await program.close?.();
    });

    it('fails deep recursion with ERR_SNIPPET_RUNTIME', async () => {
      const program = await expectContained('export default function deep(n) { return deep(n + 1) + 1 }', { code: 'ERR_SNIPPET_RUNTIME', category: 'internal' });
      await program.close?.();
    });

    it('fails a thrown non-Error value with ERR_SNIPPET_RUNTIME', async () => {
      const program = await expectContained('export default () => { throw Symbol("odd") }', { code: 'ERR_SNIPPET_RUNTIME', category: 'internal' });
      await program.close?.();
    });

    it('offers no host globals: process, require, fetch, timers, Buffer, module', async () => {
      const names = ['process', 'require', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'Buffer', 'module', '__dirname', 'WebSocket', 'XMLHttpRequest'];
      const probe = await javascript.compile(`export default () => ${JSON.stringify(names)}.map((name) => typeof globalThis[name])`);
      expect(await probe.run(null)).toEqual(names.map(() => 'undefined'));
      await probe.close?.();
      for (const escape of [
        'export default () => process.exit(1)',
        'export default () => globalThis.constructor.constructor("return process")().exit(1)',
        'export default () => require("node:fs").readFileSync("/etc/passwd", "utf8")',
        'export default async () => (await import("node:fs")).readFileSync("/etc/passwd", "utf8")',
        'export default () => fetch("http://127.0.0.1:1/")',
      ]) {
        const program = await expectContained(escape, { code: 'ERR_SNIPPET_RUNTIME', category: 'internal' });
        await program.close?.();
      }
    });

    it('contains prototype pollution to the polluting snippet', async () => {
      const program = await javascript.compile('export default () => { Object.prototype.isAdmin = true; Array.prototype.push = null; Function.prototype.call = null; return ({}).isAdmin }');
      expect(await program.run(null)).toBe(true);
      expect(await healthy.run(3)).toEqual({ ok: 3 });
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      await program.close?.();
    });
  });
}

describe('hostile snippets that crash V8 (process isolation only)', () => {
  const [javascript] = javascriptLanguages({ isolation: 'process', processes: 2, limits: LIMITS });
  let healthy: Program;
  beforeAll(async () => {
    healthy = await javascript.compile('export default (input) => ({ ok: input })');
  });
  afterAll(async () => {
    await healthy?.close?.();
    await javascript.close();
  });

  for (const [name, bomb] of [['Map bomb', MAP_BOMB], ['object-key bomb', KEY_BOMB]] as const) {
    it(`survives a ${name}: the call fails with resource exhausted, the child is replaced, others keep working`, async () => {
      const before = [...javascript.sandbox.processIds];
      const program = await javascript.compile(bomb, { timeoutMs: 10_000 });
      const { error, ms } = await fails(program);
      expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SANDBOX_CRASHED', category: 'resource exhausted' });
      expect(ms).toBeLessThan(10_000);
      // The replacement compiles every live snippet before its first call, so these succeed wherever they land.
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => healthy.run(i)));
      expect(replies).toEqual(Array.from({ length: 8 }, (_, i) => ({ ok: i })));
      const after = javascript.sandbox.processIds;
      expect(after).toHaveLength(2);
      expect(after.filter((pid) => !before.includes(pid))).toHaveLength(1);
      await program.close?.();
    });
  }
});

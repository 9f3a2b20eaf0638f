import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javascriptLanguages, WeftError, type CompileOptions, type Program } from '../../../../src/index.ts';
import { within } from '../../../harness/wait.ts';

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

    it('fails a thrown value whose copy would run snippet code (prepareStackTrace, a name getter) within its timeout', async () => {
      const runtime = { code: 'ERR_SNIPPET_RUNTIME', category: 'internal' };
      for (const [source, expected] of [
        ['Error.prepareStackTrace = () => { for (;;) {} }; export default () => { throw new Error("x") }', runtime],
        ['Object.defineProperty(Error.prototype, "name", { get() { for (;;) {} } }); export default () => { throw new Error("x") }', runtime],
        ['Error.prepareStackTrace = () => { for (;;) {} }; export default async () => { await null; throw new Error("x") }', runtime],
        // Its text is read inside the call, so the loop is the call's own and hits the timeout.
        ['export default () => { throw { get message() { for (;;) {} }, get stack() { for (;;) {} } } }', { code: 'ERR_SNIPPET_TIMEOUT', category: 'deadline exceeded' }],
      ] as const) {
        const program = await expectContained(source, expected);
        await program.close?.();
      }
      const started = performance.now();
      await expect(Promise.resolve().then(() => javascript.compile('Error.prepareStackTrace = () => { for (;;) {} }; export default 5'))).rejects.toMatchObject({ code: 'ERR_SNIPPET_COMPILE' });
      expect(performance.now() - started).toBeLessThan(LIMITS.timeoutMs + SLACK_MS);
    });

    it("never shows a snippet the host's failure token (it could forge replies with it)", async () => {
      const program = await javascript.compile([
        'let seen = 0;',
        'Error.prepareStackTrace = (error) => { if (String(error.message).charCodeAt(0) === 0) seen++; return "stack"; };',
        'export default (input) => { if (input === "throw") throw new Error("boom"); return seen }',
      ].join('\n'));
      expect((await fails(program, 'throw')).error.code).toBe('ERR_SNIPPET_RUNTIME');
      expect(await program.run('count')).toBe(0);
      await program.close?.();
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

describe('hostile snippets at load time (process isolation only)', () => {
  const [javascript] = javascriptLanguages({ isolation: 'process', processes: 1, limits: LIMITS });
  let healthy: Program;
  beforeAll(async () => {
    healthy = await javascript.compile('export default (input) => ({ ok: input })');
  });
  afterAll(async () => {
    await healthy?.close?.();
    await javascript.close();
  });

  it('kills a child stuck copying a top-level throw (watchdog) and fails the compile as a crash', async () => {
    const started = performance.now();
    const compiling = Promise.resolve().then(() => javascript.compile('throw { get message() { for (;;) {} } }; export default () => 1'));
    await expect(within(compiling, 10_000)).rejects.toMatchObject({ code: 'ERR_SANDBOX_CRASHED' });
    expect(performance.now() - started).toBeLessThan(LIMITS.timeoutMs + 2000 + 1000 + SLACK_MS);
    expect(await within(Promise.resolve(healthy.run(1)), 10_000)).toEqual({ ok: 1 });
  });

  it('does not replay a compile that crashed its child on the replacement', async () => {
    const bomb = 'const map = new Map(); for (let i = 0; ; i++) map.set(i, { i }); export default () => 1';
    await expect(within(Promise.resolve().then(() => javascript.compile(bomb, { timeoutMs: 10_000 })), 15_000)).rejects.toMatchObject({ code: 'ERR_SANDBOX_CRASHED' });
    const [replacement] = javascript.sandbox.processIds;
    const replies = await within(Promise.all(Array.from({ length: 8 }, (_, i) => healthy.run(i))), 10_000);
    expect(replies).toEqual(Array.from({ length: 8 }, (_, i) => ({ ok: i })));
    expect(javascript.sandbox.processIds).toEqual([replacement]);
  });
});

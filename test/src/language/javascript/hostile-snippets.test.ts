import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javascriptLanguages, WeftError, type CompileOptions, type Program } from '../../../../src/index.ts';

/** Small limits keep the bombs quick: 16 MiB of heap, 500 ms per call, 1 MiB payloads. */
const LIMITS = { memoryMb: 16, timeoutMs: 500, payloadMb: 1 } as const;
/** What "within its limit" allows on top of the timeout on a loaded 2-core machine. */
const SLACK_MS = 3000;
/** The test process (the engine) must stay under this RSS whatever the snippets do. */
const ENGINE_RSS_BOUND = 1536 * 1024 * 1024;

const SMALL_ARRAYS = 'export default () => { const all = []; for (;;) all.push(new Array(1000).fill(1.5)); }';
const BIG_ARRAYS = 'export default (input) => { if (input === "bomb") { const all = []; for (;;) all.push(new Array(1e5).fill(1.5)); } return "fine" }';
/** Module-level growth, a little per call: no single call is over, the isolate is after some. */
const MAP_GROWTH = 'const map = new Map(); export default () => { for (let i = 0; i < 20000; i++) map.set(map.size, { i }); return map.size }';
const KEY_GROWTH = 'const object = {}; let n = 0; export default () => { for (let i = 0; i < 20000; i++) object["k" + n++] = n; return n }';

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
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
    beforeAll(async () => {
      healthy = await javascript.compile('export default (input) => ({ ok: input })');
    });
    afterAll(async () => {
      clearInterval(sampler);
      await healthy?.close?.();
      await javascript.close();
      expect(peakRss).toBeLessThan(ENGINE_RSS_BOUND);
    });

    /** Compiles `code`, checks its first call fails with `code`/`category` in bounded time, then that other snippets still answer. */
    async function expectContained(source: string, expected: { code: string; category: string }, options?: CompileOptions, input: unknown = null): Promise<Program> {
      const program = await javascript.compile(source, options);
      const { error, ms } = await fails(program, input);
      expect({ code: error.code, category: error.category }).toEqual(expected);
      expect(ms).toBeLessThan((options?.timeoutMs ?? LIMITS.timeoutMs) + SLACK_MS);
      expect(await healthy.run(1)).toEqual({ ok: 1 });
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      return program;
    }

    /** Calls `program` until it fails (at most `calls` times); the error. */
    async function growsUntilItFails(program: Program, calls: number): Promise<WeftError> {
      for (let call = 0; call < calls; call++) {
        const outcome = await Promise.resolve().then(() => program.run(null)).then(() => undefined, (thrown: unknown) => thrown);
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        if (outcome !== undefined) return outcome as WeftError;
      }
      throw new Error(`no error after ${calls} calls`);
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
      const program = await javascript.compile(BIG_ARRAYS, { timeoutMs: 5000 });
      const { error } = await fails(program, 'bomb');
      expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_MEMORY', category: 'resource exhausted' });
      expect(await program.run('calm')).toBe('fine');
      expect(await healthy.run(2)).toEqual({ ok: 2 });
      await program.close?.();
    });

    it('stops a loop growing small arrays at the heap limit (V8 unrolled it past every interrupt check)', async () => {
      const program = await expectContained(SMALL_ARRAYS, { code: 'ERR_SNIPPET_MEMORY', category: 'resource exhausted' }, { timeoutMs: 5000 });
      await program.close?.();
    });

    for (const [name, code] of [['a Map', MAP_GROWTH], ["an object's keys", KEY_GROWTH]] as const) {
      it(`disposes a snippet growing ${name} a little per call once its heap is over the limit, then serves it afresh`, async () => {
        const program = await javascript.compile(code, { timeoutMs: 5000 });
        const error = await growsUntilItFails(program, 200);
        expect({ code: error.code, category: error.category }).toEqual({ code: 'ERR_SNIPPET_MEMORY', category: 'resource exhausted' });
        expect(await program.run(null)).toBe(20000);
        expect(await healthy.run(3)).toEqual({ ok: 3 });
        await program.close?.();
      });
    }

    it('fails deep recursion with ERR_SNIPPET_RUNTIME', async () => {
      const program = await expectContained('export default function deep(n) { return deep(n + 1) + 1 }', { code: 'ERR_SNIPPET_RUNTIME', category: 'internal' });
      await program.close?.();
    });

    it('fails thrown non-Error values with ERR_SNIPPET_RUNTIME', async () => {
      for (const thrown of ['Symbol("odd")', '42', 'undefined', 'null', '{ status: 7 }', '[1, 2]', 'Object.create(null)']) {
        const program = await expectContained(`export default () => { throw ${thrown} }`, { code: 'ERR_SNIPPET_RUNTIME', category: 'internal' });
        await program.close?.();
      }
    });

    it('refuses results over the payload limit before copying them out, and keeps serving', async () => {
      const tooLarge = { code: 'ERR_SNIPPET_PAYLOAD_TOO_LARGE', category: 'resource exhausted' };
      for (const result of ['"x".repeat(2 * 2 ** 20)', 'new Array(2 ** 18).fill("abcdefgh")', 'new Uint8Array(2 ** 21)', 'new Array(2 ** 20).fill(new Array(8).fill("x".repeat(1000)))']) {
        const program = await expectContained(`export default () => ${result}`, tooLarge, { memoryMb: 64 });
        await program.close?.();
      }
      const fits = await javascript.compile('export default () => "x".repeat(2 ** 19)');
      expect(((await fits.run(null)) as string).length).toBe(2 ** 19);
      await fits.close?.();
    });

    it('offers no host globals: process, require, fetch, timers, Buffer, module, WebAssembly', async () => {
      const names = ['process', 'require', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'Buffer', 'module', '__dirname', 'WebSocket', 'XMLHttpRequest', 'WebAssembly'];
      const probe = await javascript.compile(`export default () => ${JSON.stringify(names)}.map((name) => typeof globalThis[name])`);
      expect(await probe.run(null)).toEqual(names.map(() => 'undefined'));
      await probe.close?.();
      for (const escape of [
        'export default () => process.exit(1)',
        'export default () => globalThis.constructor.constructor("return process")().exit(1)',
        'export default () => require("node:fs").readFileSync("/etc/passwd", "utf8")',
        'export default async () => (await import("node:fs")).readFileSync("/etc/passwd", "utf8")',
        'export default () => fetch("http://127.0.0.1:1/")',
        'export default () => new WebAssembly.Memory({ initial: 1, maximum: 65536 })',
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

    it('contains prototype pollution to the polluting snippet, byte-length getters included', async () => {
      const program = await javascript.compile('export default () => { Object.prototype.isAdmin = true; Array.prototype.push = null; Function.prototype.call = null; return ({}).isAdmin }');
      expect(await program.run(null)).toBe(true);
      expect(await healthy.run(3)).toEqual({ ok: 3 });
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      await program.close?.();
      const liar = await javascript.compile('Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), "byteLength", { get: () => 0 }); export default () => new Uint8Array(2 ** 21)');
      expect((await fails(liar)).error.code).toBe('ERR_SNIPPET_PAYLOAD_TOO_LARGE');
      await liar.close?.();
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javascriptLanguages, WeftError, type CompileOptions, type Program } from '../../../../src/index.ts';

/** The calling convention, identical in both isolation modes. */
for (const isolation of ['process', 'in-process'] as const) {
  describe(`javascript and typescript snippets (${isolation})`, () => {
    const [javascript, typescript] = javascriptLanguages({ isolation, limits: { timeoutMs: 2000, memoryMb: 32 } });
    let anchor: Program | undefined;
    // One open program keeps the process pool's children up between tests (the last close stops them).
    beforeAll(async () => {
      anchor = await javascript.compile('export default () => null');
    });
    afterAll(async () => {
      await anchor?.close?.();
      await javascript.close();
    });

    async function run(code: string, input: unknown = null, options?: CompileOptions, language = javascript): Promise<unknown> {
      const program = await language.compile(code, options);
      try {
        return await program.run(input);
      } finally {
        await program.close?.();
      }
    }

    async function failure(code: string, input: unknown = null): Promise<WeftError> {
      const error = await run(code, input).then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(WeftError);
      return error as WeftError;
    }

    it('calls a sync default export with the payload and replies with its result', async () => {
      expect(await run('export default function (input) { return { sum: input.a + input.b } }', { a: 2, b: 3 })).toEqual({ sum: 5 });
    });

    it('awaits an async default export', async () => {
      expect(await run('export default async (input) => { await null; return input.n * 2 }', { n: 21 })).toBe(42);
    });

    it('passes exactly one argument, with this undefined', async () => {
      expect(await run('export default function () { return [arguments.length, this === undefined] }', 'x')).toEqual([1, true]);
    });

    it('strips TypeScript types, interfaces and enums before compiling', async () => {
      const code = [
        'interface Order { readonly id: string; items: number[] }',
        'type Total = { id: string; total: number }',
        'enum Tax { Rate = 2 }',
        'export default function (order: Order): Total {',
        '  const total = order.items.reduce((sum: number, item) => sum + item, 0) as number;',
        '  return { id: order.id, total: total * Tax.Rate };',
        '}',
      ].join('\n');
      expect(await run(code, { id: 'o-1', items: [1, 2, 3] }, undefined, typescript)).toEqual({ id: 'o-1', total: 12 });
    });

    it('gives an error payload message, code, category and error()', async () => {
      const error = new WeftError('ERR_SPEC_INVALID', { spec: 'a', problems: 'kind is missing' }, { details: [{ path: '/kind' }] });
      const code = 'export default (args) => ({ text: args.error(), message: args.message, code: args.code, category: args.category, details: args.details, asString: `${args}` })';
      expect(await run(code, error)).toEqual({
        text: error.message, message: error.message, code: 'ERR_SPEC_INVALID', category: 'invalid argument', details: [{ path: '/kind' }], asString: error.message,
      });
      expect(await run('export default (args) => [args.code, args.category, args.error()]', new Error('plain'))).toEqual(['ERR_INTERNAL', 'internal', 'plain']);
    });

    it('copies Uint8Array, nested objects, lists and bigint in and out', async () => {
      const input = { bytes: new Uint8Array([1, 2, 255]), nested: { list: [1, 'two', { three: [3] }], big: 2n ** 70n } };
      const result = (await run('export default (input) => ({ back: input, length: input.bytes.length, isBytes: input.bytes instanceof Uint8Array })', input)) as Record<string, unknown>;
      expect(result).toEqual({ back: input, length: 3, isBytes: true });
      expect((result.back as { bytes: unknown }).bytes).toBeInstanceOf(Uint8Array);
    });

    it('carries numbers JSON cannot (-0, NaN, Infinity) and holes exactly, whichever way the payload travels', async () => {
      const input = { zero: -0, nan: Number.NaN, inf: -Infinity, list: [1, undefined, 3], plain: { text: 'é\u2028' } };
      const result = (await run('export default (input) => ({ back: input, isNegativeZero: Object.is(input.zero, -0) })', input)) as Record<string, unknown>;
      expect(result).toEqual({ back: { zero: -0, nan: Number.NaN, inf: -Infinity, list: [1, null, 3], plain: { text: 'é\u2028' } }, isNegativeZero: true });
      expect(Object.is((result.back as { zero: number }).zero, -0)).toBe(true);
      expect(await run('export default (input) => input', { a: [1, { b: 'c' }] })).toEqual({ a: [1, { b: 'c' }] });
    });

    it('answers even when the snippet sabotages its own JSON (toJSON on Object.prototype)', async () => {
      expect(await run('Object.prototype.toJSON = () => undefined; export default () => ({ a: 1 })')).toEqual({ a: 1 });
      expect(await run('Object.prototype.toJSON = () => "odd"; export default () => ({ a: 1 })')).toBeDefined();
    });

    it('works on a copy: a snippet changing its input leaves the payload alone', async () => {
      const input = { list: [1] };
      await run('export default (input) => { input.list.push(2); input.added = true; return null }', input);
      expect(input).toEqual({ list: [1] });
    });

    it('turns the result into plain data (Date, Map, Set, undefined, functions, byte views)', async () => {
      const code = 'export default () => ({ at: new Date(0), map: new Map([["k", 1]]), set: new Set([1, 2]), gone: undefined, fn() {}, list: [undefined, () => 1], words: new Uint16Array([1]), top: undefined })';
      expect(await run(code)).toEqual({ at: '1970-01-01T00:00:00.000Z', map: { k: 1 }, set: [1, 2], list: [null, null], words: new Uint8Array([1, 0]) });
      expect(await run('export default () => undefined')).toBeNull();
    });

    it('fails a returned Error, a thrown Error and a thrown non-Error with ERR_SNIPPET_RUNTIME, keeping the text', async () => {
      expect((await failure('export default () => new TypeError("bad order")')).params.reason).toBe('bad order');
      expect((await failure('export default () => { throw new RangeError("too far") }')).params.reason).toBe('too far');
      expect((await failure('export default () => { throw "plain words" }')).params.reason).toBe('plain words');
      expect((await failure('export default () => { throw { status: 7 } }')).params.reason).toBe('{"status":7}');
      expect((await failure('export default async () => { throw 42 }')).params.reason).toBe('42');
      for (const code of ['export default () => new Error("x")', 'export default () => { throw null }']) expect((await failure(code)).code).toBe('ERR_SNIPPET_RUNTIME');
    });

    it('fails a result with a cycle with ERR_SNIPPET_RUNTIME', async () => {
      expect((await failure('export default () => { const a = {}; a.self = a; return a }')).code).toBe('ERR_SNIPPET_RUNTIME');
    });

    it('refuses code that does not compile with ERR_SNIPPET_COMPILE', async () => {
      const cases: [string, typeof javascript][] = [
        ['export default (', javascript],
        ['import fs from "node:fs"; export default () => fs', javascript],
        ['export const notDefault = () => 1', javascript],
        ['export default 42', javascript],
        ['throw new Error("top level"); export default () => 1', javascript],
        ['for (;;) {} export default () => 1', javascript],
        ['export default (x: ) => x', typescript],
      ];
      for (const [code, language] of cases) {
        await expect(Promise.resolve().then(() => language.compile(code, { timeoutMs: 200 })), code).rejects.toMatchObject({ code: 'ERR_SNIPPET_COMPILE', category: 'invalid argument' });
      }
    });

    it('refuses limits out of range with ERR_SNIPPET_LIMITS_INVALID', async () => {
      for (const options of [{ memoryMb: 4 }, { memoryMb: 1.5 }, { timeoutMs: 0 }, { timeoutMs: -1 }]) {
        expect(() => javascript.compile('export default () => 1', options)).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_LIMITS_INVALID' }));
      }
    });

    it("keeps each snippet's globals and prototypes to itself", async () => {
      const polluter = await javascript.compile([
        'globalThis.shared = "from a";',
        'Object.prototype.polluted = true;',
        'Array.prototype.map = () => "hijacked";',
        'JSON.stringify = () => "hijacked";',
        'export default () => [globalThis.shared, ({}).polluted, [1].map((x) => x)]',
      ].join('\n'));
      const observer = await javascript.compile('export default () => [typeof globalThis.shared, ({}).polluted, [1].map((x) => x + 1), JSON.stringify([1])]');
      try {
        expect(await polluter.run(null)).toEqual(['from a', true, 'hijacked']);
        expect(await observer.run(null)).toEqual(['undefined', null, [2], '[1]']);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect([1].map((x) => x)).toEqual([1]);
      } finally {
        await polluter.close?.();
        await observer.close?.();
      }
    });

    it('keeps a payload __proto__ key as data, polluting nothing', async () => {
      const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
      const result = await run('export default (input) => ({ seen: ({}).polluted === undefined, keys: Object.keys(input), a: input.a })', input);
      expect(result).toEqual({ seen: true, keys: ['__proto__', 'a'], a: 1 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
}

describe('javascript snippets in process (trusted mode)', () => {
  const [javascript] = javascriptLanguages({ isolation: 'in-process' });
  afterAll(() => javascript.close());

  it('answers a sync export synchronously, without a promise', async () => {
    const program = await javascript.compile('export default (x) => x + 1');
    expect(program.run(1)).toBe(2);
    await program.close?.();
  });

  it('keeps module-level state between calls of one snippet (one module evaluation per isolate)', async () => {
    const program = await javascript.compile('let calls = 0; export default () => ++calls');
    expect([program.run(null), program.run(null), program.run(null)]).toEqual([1, 2, 3]);
    await program.close?.();
  });

  it('fails calls after close with ERR_SANDBOX_CLOSED', async () => {
    const program = await javascript.compile('export default () => 1');
    await program.close?.();
    expect(() => program.run(null)).toThrow(expect.objectContaining({ code: 'ERR_SANDBOX_CLOSED' }));
  });

  it('refuses compiles after the sandbox closed with ERR_SANDBOX_CLOSED, as the process sandbox does', async () => {
    const [closed] = javascriptLanguages({ isolation: 'in-process' });
    await closed.close();
    expect(() => closed.compile('export default () => 1')).toThrow(expect.objectContaining({ code: 'ERR_SANDBOX_CLOSED' }));
  });
});

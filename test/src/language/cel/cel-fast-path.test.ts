import { describe, expect, it } from 'vitest';
import { celLanguage, type Program } from '../../../../src/index.ts';

// The fast path (src/language/cel/fast-path.ts) answers the commonest shapes of expressions
// without the library. `[expr][0]` has a shape it does not know, so the library evaluates the
// same expression: the two must agree on every payload, in value or in error code.
const expressions = [
  'self', 'self.data', 'self.a', 'self.a.b', 'self.constructor', 'self.__proto__',
  'self.a == 1', 'self.a != 1', 'self.a == 1.0', 'self.a == -1', 'self.a == "x"', 'self.a != "x"', 'self.a == true', 'self.a == null', 'self.a != null',
  'self.a == self.b', 'self.a != self.b', 'self.a < 2', 'self.a <= 2.5', 'self.a > -1', 'self.a >= self.b', 'self.a < "b"',
  'self.type == 1 || self.type == 2', 'self.a && self.b', 'self.a || self.b', '!self.a', 'self.a == 1 || true', 'true || self.a == 1', 'false && self.a',
  'self.a ? self.b : 3', 'self.a ? 1 : 2', 'self.a.b == 9007199254740993', 'self.a.b > 9007199254740992', '1 == self.a', '-1 < self.a', 'self.a == 18446744073709551615u',
  // Over batches: filter/map, has, type(x) == NAME, list and map literals.
  'self.filter(e, e.a == 1)', 'self.map(e, e.a)', 'self.map(e, {"x": e.a, "y": [e, 1]})', 'self.filter(e, e)', 'self.map(e, self.map(f, [e, f]))',
  'self.filter(e, type(e) == map && has(e.a) && type(e.a) == double)', 'self.map(e, type(e) != string)', 'self.map(e, int == type(e))',
  'self.filter(e, type(e) == map && has(e.a)).map(e, {"a": e.a, "b": e.a == "x" ? 1.0 : 0.0})', 'type(self) == list ? self.filter(e, e > 1) : []',
  'has(self.a)', 'has(self.a.b)', 'type(self.a) == int', 'type(self.a) == null_type', 'type(self) == bool', 'map == type(self)', 'type(self) == list',
  '{"a": self.a, "b": self}', '[self.a, self]', '[]', '{"a": 1}', 'self.map(self, self)', 'self.filter(e, has(e.a) && e.a > 1).map(e, e.a)',
];
const payloads: unknown[] = [
  null, 1, 'text', true, [1, 2], new Uint8Array([1]),
  { type: 1, data: '{"hello":"world"}', connection: 'c' }, { type: 2, data: new Uint8Array([1, 2]) }, { type: 8, data: { code: 1000 } },
  { a: 1 }, { a: 1.5 }, { a: -1 }, { a: 1n }, { a: 2n, b: 2 }, { a: '1' }, { a: 'x', b: 'x' }, { a: 'a' }, { a: true, b: false }, { a: false, b: true },
  { a: null }, { a: undefined }, { a: Number.NaN }, { a: Number.POSITIVE_INFINITY }, { a: 0, b: -0 }, { a: { b: 9007199254740992 } }, { a: { b: 9007199254740993n } },
  { a: [1] }, { a: new Map([['b', 1]]) }, { a: new Date(0) }, { a: { constructor: 1, b: 2 } }, JSON.parse('{"constructor": 5, "a": 1}'),
  JSON.parse('{"__proto__": {"b": 1}, "a": 1}'), Object.create(null) as object, { b: 1 }, { a: 1, b: 1n }, { a: 'x', b: 1 }, { a: true, b: 'true' },
  { a: 18446744073709551615n }, { a: { b: 1 }, b: { b: 1 } },
  [{ a: 1 }, { a: 2 }], [1, 2, 3], [{ a: 'x' }, 'y', null], [{ a: 1.5, b: 'x' }, { b: 2 }], [[1], []], [1n, 2], [{ a: 1n }], [true, false],
  [new Map([['a', 1]])], [{ a: undefined }], [new Uint8Array([1])], [JSON.parse('{"constructor": 1, "a": 2}')], [undefined], [{ a: { b: 1 } }], [{ a: { b: undefined } }], [{ a: [undefined] }], [{ a: [{ b: new Date(0) }] }], [{ a: () => 1 }], [() => 1], [Symbol('s')], { a: () => 1 }, { a: 1, b: () => 1 }, { a: 1, b: undefined }, [{ a: 1, b: () => 1 }], [{ a: 'x', b: undefined }], [{ a: { b: [1, { c: null }] } }],
];

type Outcome = { value: unknown } | { code: string };

function outcome(program: Program, payload: unknown): Outcome {
  try {
    return { value: program.run(payload) };
  } catch (thrown) {
    return { code: (thrown as { code: string }).code };
  }
}

describe('cel fast path', () => {
  const cel = celLanguage();

  it('gives the library’s value or error code for every expression it compiles, on every payload', () => {
    for (const code of expressions) {
      const fast = cel.compile(code) as Program;
      const library = cel.compile(`[${code}][0]`) as Program;
      for (const payload of payloads) {
        expect({ code, payload, outcome: outcome(fast, payload) }).toEqual({ code, payload, outcome: outcome(library, payload) });
      }
    }
  });

  it('charges macros as the library does: over the cost limit, the library reports ERR_CEL_COST_LIMIT', () => {
    const batch = Array.from({ length: 100 }, (_, index) => ({ type: index % 2 === 0 ? 'a-long-type-name-here' : 'b', value: index }));
    for (const limit of [5, 99, 100, 150, 250, 400, 1000]) {
      const limited = celLanguage({ costLimit: limit });
      for (const code of ['self.map(e, e.value)', 'self.filter(e, e.type == "b")', 'self.filter(e, type(e) == map).map(e, self.map(f, f.value))', 'self.map(e, [e.type, e.type == "a-long-type-name-here"])']) {
        const fast = limited.compile(code) as Program;
        const library = limited.compile(`[${code}][0]`) as Program;
        expect({ code, limit, outcome: outcome(fast, batch) }).toEqual({ code, limit, outcome: outcome(library, batch) });
      }
    }
  });

  it('reads a selected accessor the library would read, and leaves one it throws from to the library', () => {
    const lazy = { get body() { return { name: 'n' }; } };
    expect((cel.compile('self.body.name') as Program).run(lazy)).toBe('n');
    const broken = { get body(): unknown { throw new Error('bad body'); } };
    expect(() => (cel.compile('self.body') as Program).run(broken)).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
  });

  it('turns ints of the payload into numbers as the library’s path does', () => {
    expect((cel.compile('self.a') as Program).run({ a: 5n })).toBe(5);
    expect((cel.compile('self') as Program).run({ a: [7n] })).toEqual({ a: [7] });
  });
});

import { describe, expect, it } from 'vitest';
import { celLanguage, createDefaultLanguages, type Program } from '../../../../src/index.ts';

const cel = celLanguage();
const run = (code: string, self: unknown = null): unknown => (cel.compile(code) as Program).run(self);

/** True when no bigint hides anywhere in a value (results must be plain JS). */
function hasBigint(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (Array.isArray(value)) return value.some(hasBigint);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasBigint);
  return false;
}

describe('cel language: JSON payloads', () => {
  it('is one of the default languages', () => {
    expect(createDefaultLanguages().has('cel')).toBe(true);
  });

  it('mixes int literals with the doubles of JSON numbers', () => {
    expect(run('self.body.x * 2 + 1', JSON.parse('{"body":{"x":5}}'))).toBe(11);
    expect(run('1 + self.x', { x: 1.5 })).toBe(2.5);
    expect(run('self.x - 1', { x: 5 })).toBe(4);
    expect(run('self.x / 2', { x: 5 })).toBe(2.5);
    expect(run('10 / self.x', { x: 4 })).toBe(2.5);
    expect(run('self.n % 2 == 0', { n: 4 })).toBe(true);
    expect(run('self.n % 2', { n: 7 })).toBe(1);
    expect(run('self.n % 2.5', { n: 7 })).toBe(2);
    expect(run('self.n == 3 && 3 == self.n && self.n < 4', { n: 3 })).toBe(true);
    expect(run('size(self.items) == self.count', { items: [1, 2, 3], count: 3 })).toBe(true);
    expect(run('self.items[self.i]', { items: ['a', 'b'], i: 1 })).toBe('b');
  });

  it('keeps int arithmetic as CEL defines it (integer division, overflow and zero checks)', () => {
    expect(run('7 / 2')).toBe(3);
    expect(run('int(self.x) / 2', { x: 5 })).toBe(2);
    expect(() => run('1 / 0')).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
    expect(() => run('self.n % 0', { n: 3 })).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
    expect(() => run('9223372036854775807 + 1')).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
  });

  it('tests presence with has() and optional chaining', () => {
    expect(run('has(self.body) ? self.body : null', { body: { x: 5 } })).toEqual({ x: 5 });
    expect(run('has(self.body) ? self.body : null', { query: {} })).toBeNull();
    expect(run('has(self.a.b)', { a: {} })).toBe(false);
    expect(run('self.?a.?b.orValue("none")', { a: {} })).toBe('none');
    expect(run('self.?a.b', { a: { b: 2 } })).toBe(2);
    expect(run('self.?missing', {})).toBeNull();
  });

  it('returns a payload subtree as it is, without copying it', () => {
    const body = { list: [1, 2], nested: { ok: true } };
    expect(run('self.body', { body })).toBe(body);
    expect(run('self', null)).toBeNull();
  });

  it('evaluates ternaries, logic and membership', () => {
    expect(run('self.age >= 18 ? "adult" : "minor"', { age: 20 })).toBe('adult');
    expect(run('self.age >= 18 ? "adult" : "minor"', { age: 3 })).toBe('minor');
    expect(run('"admin" in self.roles || self.root', { roles: ['user'], root: true })).toBe(true);
    expect(run('self.x in [1, 2, 3]', { x: 2 })).toBe(true);
    expect(run('"k" in self.m', { m: { k: 1 } })).toBe(true);
  });

  it('offers the string functions, with replace and charAt added', () => {
    expect(run('self.s.startsWith("he") && self.s.endsWith("lo") && self.s.contains("ll")', { s: 'hello' })).toBe(true);
    expect(run('self.s.matches("^h.*o$")', { s: 'hello' })).toBe(true);
    expect(run('self.s.upperAscii() + self.s.lowerAscii()', { s: 'Ab' })).toBe('ABab');
    expect(run('"  x ".trim()')).toBe('x');
    expect(run('"a,b,c".split(",")')).toEqual(['a', 'b', 'c']);
    expect(run('["a", "b"].join("-")')).toBe('a-b');
    expect(run('"hello".substring(1, 3) + string(size("hello"))')).toBe('el5');
    expect(run('"hello".indexOf("l")')).toBe(2);
    expect(run('"a-b-c".replace("-", "+")')).toBe('a+b+c');
    expect(run('"a-b-c".replace("-", "+", 1)')).toBe('a+b-c');
    expect(run('"héllo".charAt(1) + "ab".charAt(2)')).toBe('é');
    expect(() => run('"ab".charAt(3)')).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
    expect(run('string(self.x) + "/" + string(7)', { x: 2.5 })).toBe('2.5/7');
  });

  it('computes with timestamps and durations, returned as RFC 3339 and CEL duration strings', () => {
    expect(run('timestamp(self.at) + duration("1h30m")', { at: '2024-01-01T00:00:00Z' })).toBe('2024-01-01T01:30:00.000Z');
    expect(run('timestamp("2024-03-01T12:00:00Z") - timestamp("2024-03-01T10:30:00Z")')).toBe('5400s');
    expect(run('duration("1.5s")')).toBe('1.5s');
    expect(run('timestamp(self.at).getFullYear()', { at: '2024-06-01T00:00:00Z' })).toBe(2024);
    expect(run('timestamp(self.a) < timestamp(self.b)', { a: '2024-01-01T00:00:00Z', b: '2025-01-01T00:00:00Z' })).toBe(true);
    expect(run('duration(self.d) > duration("1m")', { d: '90s' })).toBe(true);
  });

  it('returns plain JS values: numbers (no bigint), objects, arrays, bytes, type names', () => {
    const result = run('{"int": 42, "uint": 7u, "list": [1, [2, {"x": 3}]], "size": size(self.l), "type": type(1), "bytes": b"hi"}', { l: [1, 2] });
    expect(hasBigint(result)).toBe(false);
    expect(result).toEqual({ int: 42, uint: 7, list: [1, [2, { x: 3 }]], size: 2, type: 'int', bytes: new Uint8Array([104, 105]) });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(run('{"a": [1, 2], "t": timestamp("2024-01-01T00:00:00Z")}'))).toBe('{"a":[1,2],"t":"2024-01-01T00:00:00.000Z"}');
    expect(run('self.data', { data: new Uint8Array([1, 2]) })).toEqual(new Uint8Array([1, 2]));
  });

  it('keeps integers beyond ±(2^53 − 1) exact, as bigints', () => {
    expect(run('9007199254740991')).toBe(9007199254740991);
    expect(run('9007199254740993')).toBe(9007199254740993n);
    expect(run('-9007199254740993')).toBe(-9007199254740993n);
    expect(run('self + 1', 9007199254740993n)).toBe(9007199254740994n);
  });

  it('accepts mixed-type list and map literals, as JSON has them', () => {
    expect(run('{"status": 400, "body": {"error": self.message, "ok": false}}', { message: 'bad' })).toEqual({
      status: 400,
      body: { error: 'bad', ok: false },
    });
    expect(run('[1, "two", 3.5, null]')).toEqual([1, 'two', 3.5, null]);
  });

  it('keeps a "__proto__" key as a key when it copies a map', () => {
    const result = run('self', JSON.parse('{"__proto__": {"n": 1}, "m": 2}')) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__', 'm']);
    const copied = run('{"m": self.m, "list": [1]}', { m: JSON.parse('{"__proto__": 5}') }) as { m: object };
    expect(Object.keys(copied.m)).toEqual(['__proto__']);
  });

  it('keeps no state between runs (each run sees only its own payload)', () => {
    const program = cel.compile('has(self.a) ? self.a : "none"') as Program;
    expect(program.run({ a: 1 })).toBe(1);
    expect(program.run({})).toBe('none');
    expect(program.run(undefined)).toBe('none');
  });
});

import { describe, expect, it } from 'vitest';
import { celLanguage, DEFAULT_CEL_COST_LIMIT, type Program } from '../../../../src/index.ts';

const list = (length: number): number[] => Array.from({ length }, (_, i) => i);

function limitCode(program: Program, self: unknown): string | undefined {
  try {
    program.run(self);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('cel language: cost limit', () => {
  const cel = celLanguage({ costLimit: 10_000 });
  const compile = (code: string): Program => cel.compile(code) as Program;

  it('charges the elements a macro ranges over: n + n² for a nested map', () => {
    const nested = compile('self.map(x, self.map(y, x * y)).size()');
    expect(nested.run(list(90))).toBe(90); // 90 + 8100 ≤ 10 000
    expect(limitCode(nested, list(100))).toBe('ERR_CEL_COST_LIMIT'); // 100 + 10 000 > 10 000
  });

  it('stops even where the library would swallow the error (|| true, exists)', () => {
    expect(limitCode(compile('self.exists(x, self.exists(y, x + y < 0)) || true'), list(200))).toBe('ERR_CEL_COST_LIMIT');
    expect(limitCode(compile('self.all(x, self.all(y, y >= 0))'), list(200))).toBe('ERR_CEL_COST_LIMIT');
  });

  it('ends an all/exists loop at the next element once over the limit (they swallow step errors)', () => {
    let reads = 0;
    const items = Array.from({ length: 1_000 }, () => ({ get n() { return ++reads; } }));
    const program = compile('self.items.exists(x, x.n < 0 || self.l.exists(y, y < 0))');
    expect(limitCode(program, { items, l: list(20_000) })).toBe('ERR_CEL_COST_LIMIT');
    expect(reads).toBe(1); // was 1 000: every later element still ran its step and threw
  });

  it('charges cel.bind by the size of the bound value, so doubling binds cannot blow up memory', () => {
    const doubling = compile('cel.bind(a, self + self, cel.bind(b, a + a, cel.bind(c, b + b, size(c))))');
    expect(doubling.run('x'.repeat(100))).toBe(800);
    expect(limitCode(doubling, 'x'.repeat(2000))).toBe('ERR_CEL_COST_LIMIT');
  });

  it('starts every run afresh and reports the limit with category resource exhausted', () => {
    const program = compile('self.filter(x, x % 2 == 0).size()');
    expect(limitCode(program, list(20_000))).toBe('ERR_CEL_COST_LIMIT');
    expect(program.run(list(5_000))).toBe(2_500);
    expect(program.run(list(5_000))).toBe(2_500);
    try {
      program.run(list(20_000));
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_CEL_COST_LIMIT', category: 'resource exhausted', params: { limit: 10_000 } });
    }
  });

  it('charges the operands a macro body walks once per element, so quadratic work stops', () => {
    // Each was charged n alone, and blocked the event loop for seconds on n = 20 000.
    expect(limitCode(compile('self.exists(x, x in self && x < 0)'), list(2_000))).toBe('ERR_CEL_COST_LIMIT');
    expect(limitCode(compile('self.exists(x, self.join(",") == "")'), list(2_000).map(String))).toBe('ERR_CEL_COST_LIMIT');
    expect(limitCode(compile('self.l.exists(x, size(self.s) == 0)'), { l: list(100), s: 'x'.repeat(20_000) })).toBe('ERR_CEL_COST_LIMIT');
    expect(limitCode(compile('self.l.exists(x, self.s.split(",").size() == 0)'), { l: list(100), s: 'x,'.repeat(10_000) })).toBe('ERR_CEL_COST_LIMIT');
  });

  it('does not charge small operands inside a macro body (under 10 elements or characters)', () => {
    const items = Array.from({ length: 9_000 }, (_, i) => ({ name: `item${i % 1000}`, tags: ['a', 'b'] }));
    expect(compile('self.all(i, "a" in i.tags && i.name != "lamp" && size(i.name) > 0)').run(items)).toBe(true);
    expect(compile('self.l.all(x, x in self.small || x >= 9)').run({ l: list(9_000), small: list(9) })).toBe(true);
  });

  it('does not charge expressions without macros or binds', () => {
    expect(compile('self.a + self.b').run({ a: 1, b: 2 })).toBe(3);
  });

  it('has a default that lets ordinary work through and stops a cubic blow-up', () => {
    const program = celLanguage().compile('self.all(x, self.all(y, self.all(z, x + y + z >= 0)))') as Program;
    expect(program.run(list(20))).toBe(true); // 20 + 400 + 8000
    expect(DEFAULT_CEL_COST_LIMIT).toBe(100_000);
    const started = performance.now();
    expect(limitCode(program, list(200))).toBe('ERR_CEL_COST_LIMIT'); // 200 + 40 000 + 8 000 000 > 100 000
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('cel language: what one call builds is charged before it runs', () => {
  const cel = celLanguage();
  const compile = (code: string): Program => cel.compile(code) as Program;
  const body = { x: 'a'.repeat(23_000) };

  it('refuses s.replace("a", s) on a 23 KB string (529 million characters) at once with ERR_CEL_COST_LIMIT', () => {
    const started = performance.now();
    expect(limitCode(compile('size(self.x.replace("a", self.x))'), body)).toBe('ERR_CEL_COST_LIMIT');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('charges join by what it builds and lets ordinary calls through', () => {
    expect(limitCode(compile('size([self.x, self.x, self.x, self.x, self.x].join(self.x.replace("a", "aaaaaaaaaa")))'), body)).toBe('ERR_CEL_COST_LIMIT');
    expect(compile('size(self.x.replace("a", "bb"))').run(body)).toBe(46_000);
    expect(compile('self.x.replace("a", "b", 3).substring(0, 5)').run(body)).toBe('bbbaa');
    expect(compile('["a", "b"].join("-")').run(null)).toBe('a-b');
  });
});

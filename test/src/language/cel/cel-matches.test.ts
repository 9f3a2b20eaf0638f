import { beforeAll, describe, expect, it } from 'vitest';
import { celLanguage, type Program } from '../../../../src/index.ts';
import { PatternCache } from '../../../../src/language/cel/pattern-cache.ts';

function failure(run: () => unknown): { code?: string; category?: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as { code?: string; category?: string };
  }
}

/** `^(a+)+$` backtracks 2^n times on n a's and a b: JavaScript's RegExp took ~3 s on 27 characters. */
const catastrophic = '^(a+)+$';
const evil = `${'a'.repeat(10_000)}b`;

// If matches were backtracking again, the 10 000-character cases below would hang the run (an
// evaluation is synchronous): this probe makes them fail in about a second instead.
beforeAll(() => {
  const start = performance.now();
  expect((celLanguage().compile(`self.matches("${catastrophic}")`) as Program).run(`${'a'.repeat(25)}b`)).toBe(false);
  expect(performance.now() - start).toBeLessThan(200);
});

describe('cel language: matches runs on RE2', () => {
  const cel = celLanguage();
  const compile = (code: string): Program => cel.compile(code) as Program;

  it('answers a catastrophic pattern at once, literal or from the payload, in both forms', () => {
    const programs = [
      compile(`self.s.matches("${catastrophic}")`),
      compile(`matches(self.s, "${catastrophic}")`),
      compile('self.s.matches(self.p)'),
      compile('matches(self.s, self.p)'),
    ];
    for (const program of programs) {
      const probe = performance.now(); // this form alone, before the 10 000 characters
      expect(program.run({ s: `${'a'.repeat(25)}b`, p: catastrophic })).toBe(false);
      expect(performance.now() - probe).toBeLessThan(200);
      const start = performance.now();
      expect(program.run({ s: evil, p: catastrophic })).toBe(false);
      expect(performance.now() - start).toBeLessThan(200);
      expect(program.run({ s: 'aaaa', p: catastrophic })).toBe(true);
    }
  });

  it('keeps CEL semantics: RE2 syntax, true when the pattern matches any substring', () => {
    const cases: [string, string, boolean][] = [
      ['b', 'abc', true], // unanchored search
      ['^b', 'abc', false],
      ['^a.*z$', 'abcz', true],
      ['^a.*z$', 'abcz!', false],
      ['(?i)hello', 'say HeLLo', true],
      ['^\\pL+$', 'héllo', true],
      ['^\\d{3}-\\d{4}$', '555-1234', true],
      ['^(?P<year>\\d{4})-\\d{2}$', '2024-05', true],
      ['^.$', '😀', true], // `.` is one code point
      ['a\\z', 'ba', true],
      ['^$', '', true],
      ['x|y', 'abc', false],
    ];
    const method = compile('self.s.matches(self.p)');
    const global = compile('matches(self.s, self.p)');
    for (const [p, s, expected] of cases) {
      expect(method.run({ s, p }), `${p} on ${s}`).toBe(expected);
      expect(global.run({ s, p }), `${p} on ${s}`).toBe(expected);
      expect(compile(`self.matches(${JSON.stringify(p)})`).run(s), `${p} on ${s}`).toBe(expected);
    }
  });

  it('refuses a literal pattern that is not RE2 at compile time, naming it', () => {
    for (const code of ['self.matches("a(")', 'matches(self, "(?=x)")', 'self.l.exists(x, x.matches("(a)\\\\1"))', 'true || self.matches("[z-a]")']) {
      const error = failure(() => cel.compile(code)) as { code?: string; params?: { reason?: string } };
      expect(error?.code, code).toBe('ERR_SNIPPET_COMPILE');
      expect(error.params?.reason).toMatch(/regular expression/);
    }
  });

  it('reports an invalid pattern from the payload as ERR_CEL_PATTERN, absorbed by || as any CEL error', () => {
    const program = compile('self.s.matches(self.p)');
    for (const p of ['a(', '(?<=a)b', '(a)\\1', 'a{1001}']) {
      expect(failure(() => program.run({ s: 'ab', p })), p).toMatchObject({ code: 'ERR_CEL_PATTERN', category: 'invalid argument' });
      expect(failure(() => program.run({ s: 'ab', p })), `${p} again, cached`).toMatchObject({ code: 'ERR_CEL_PATTERN' });
    }
    expect(failure(() => compile('matches(self.s, self.p)').run({ s: 'a', p: '*' }))).toMatchObject({ code: 'ERR_CEL_PATTERN' });
    expect(compile('true || self.s.matches(self.p)').run({ s: 'a', p: 'a(' })).toBe(true);
  });

  it('leaves operands that are not strings to the library: no matching overload', () => {
    expect(failure(() => compile('self.s.matches("a")').run({ s: 1 }))).toMatchObject({ code: 'ERR_SNIPPET_RUNTIME' });
    expect(failure(() => compile('self.s.matches(self.p)').run({ s: 'a', p: 2 }))).toMatchObject({ code: 'ERR_SNIPPET_RUNTIME' });
  });

  it('runs inside macros and cel.bind', () => {
    const l = ['ab1', 'cd', 'e9'];
    expect(compile('self.filter(x, x.matches("[0-9]$"))').run(l)).toEqual(['ab1', 'e9']);
    expect(compile('self.all(x, matches(x, "^[a-z]"))').run(l)).toBe(true);
    expect(compile('self.exists_one(x, x.matches("^c"))').run(l)).toBe(true);
    expect(compile('self.map(x, x.matches(x))').run(l)).toEqual([true, true, true]);
    expect(compile('cel.bind(p, "^(a+)+$", [self].exists(s, s.matches(p)))').run(evil)).toBe(false);
  });
});

describe('cel language: the cost of matches', () => {
  const cel = celLanguage({ costLimit: 10_000 });
  const compile = (code: string): Program => cel.compile(code) as Program;

  it('still charges calls in macro bodies by their operands and their matching work', () => {
    const program = compile('self.exists(x, x.matches("b"))');
    const strings = (n: number): string[] => Array.from({ length: n }, () => 'a'.repeat(100));
    expect(program.run(strings(50))).toBe(false);
    expect(failure(() => program.run(strings(2_000)))).toMatchObject({ code: 'ERR_CEL_COST_LIMIT' });
    expect(program.run(strings(50))).toBe(false); // each run starts afresh
  });

  it('refuses a call whose worst-case matching work is over the limit before running it', () => {
    // RE2's NFA is linear but costs per character × instruction: this took 25 s on 150 000 characters.
    const program = compile('self.s.matches(self.p)');
    const start = performance.now();
    expect(failure(() => program.run({ s: 'ab '.repeat(5_000), p: '(\\w+\\s*){1000}$' }))).toMatchObject({ code: 'ERR_CEL_COST_LIMIT' });
    expect(performance.now() - start).toBeLessThan(200);
    expect(failure(() => compile('self.s.matches("^a.*z$")').run({ s: 'a'.repeat(100_000) }))).toMatchObject({ code: 'ERR_CEL_COST_LIMIT' });
  });

  it('charges a pattern from the payload by its length, cached or not, so a huge one never compiles', () => {
    const program = compile('self.s.matches(self.p)');
    expect(program.run({ s: 'x', p: 'x'.repeat(400) })).toBe(false);
    const start = performance.now();
    expect(failure(() => program.run({ s: 'x', p: 'x'.repeat(1_000_000) }))).toMatchObject({ code: 'ERR_CEL_COST_LIMIT' });
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe('PatternCache', () => {
  it('compiles a pattern once while it is among the last used, and keeps at most its capacity', () => {
    const cache = new PatternCache(3);
    const first = cache.get('a+');
    expect(cache.get('a+')).toBe(first);
    for (const p of ['b', 'c', 'a+', 'd']) cache.get(p); // 'b' is the least recently used: evicted
    expect(cache.size).toBe(3);
    expect(cache.get('a+')).toBe(first);
    expect(typeof cache.get('(')).toBe('string'); // an invalid pattern is kept as its error message
    expect(cache.size).toBe(3);
  });
});

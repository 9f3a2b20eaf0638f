import { describe, expect, it } from 'vitest';
import { celLanguage, WeftError, type Program } from '../../../../src/index.ts';

const cel = celLanguage();
const compile = (code: string): Program => cel.compile(code) as Program;
const run = (code: string, self: unknown = null): unknown => compile(code).run(self);

/** A runtime failure whose cause is a spec problem: two errors, two categories, two codes. */
function chained(): WeftError {
  const invalid = new WeftError('ERR_SPEC_INVALID', { spec: 'kind: x', problems: 'when: required' });
  return new WeftError('ERR_SNIPPET_RUNTIME', { reason: 'boom' }, { cause: invalid });
}

describe('cel language: error payloads', () => {
  it('compares an error with a string by category, code or message, anywhere in its cause chain', () => {
    const error = chained();
    for (const text of ['internal', 'invalid argument', 'ERR_SNIPPET_RUNTIME', 'ERR_SPEC_INVALID', 'snippet failed: boom']) {
      expect(run('self == "' + text + '"', error), text).toBe(true);
      expect(run('"' + text + '" == self', error), text).toBe(true);
      expect(run('self != "' + text + '"', error), text).toBe(false);
    }
    expect(run('self == "not found"', error)).toBe(false);
    expect(run('self != "not found"', error)).toBe(true);
  });

  it('matches a plain Error (and an AggregateError member) by message', () => {
    expect(run('self == "unsupported value"', new Error('wrapped', { cause: new Error('unsupported value') }))).toBe(true);
    expect(run('self == "inner"', new AggregateError([new Error('inner')], 'outer'))).toBe(true);
    expect(run('self == "other"', new Error('wrapped'))).toBe(false);
  });

  it('exposes message, code, category and details as fields, and string(self)', () => {
    const error = new WeftError('ERR_SPEC_INVALID', { spec: 's', problems: 'p' }, { details: [{ path: 'when' }] });
    expect(run('[self.code, self.category, self.message, string(self)]', error)).toEqual([
      'ERR_SPEC_INVALID', 'invalid argument', 'spec s is invalid: p', 'spec s is invalid: p',
    ]);
    expect(run('self.details[0].path', error)).toBe('when');
    expect(run('has(self.details)', chained())).toBe(false);
    expect(run('self.code == "" && self.category == ""', new Error('plain'))).toBe(true);
    expect(run('type(self)', error)).toBe('error');
  });

  it('makes only the payload itself an error value: an error nested in a list or map is refused', () => {
    expect(run('self == self', chained())).toBe(true);
    expect(() => run('self[0] == "x"', [new Error('x')])).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
  });

  it('gives the error payload itself back when the expression returns self', () => {
    const error = chained();
    expect(run('self', error)).toBe(error);
    expect(run('true ? self : self', error)).toBe(error);
  });

  it('compares a non-error payload with a string as plain CEL does (false, no error)', () => {
    expect(run('self == "invalid argument"', { a: 1 })).toBe(false);
    expect(run('self == "invalid argument"', 'invalid argument')).toBe(true);
  });
});

describe('cel language: compile and runtime errors', () => {
  it.each([
    ['a syntax error', 'self.x +'],
    ['an unknown identifier (only self is declared)', 'body.x == 1'],
    ['a type error the checker sees', '1 + "a"'],
    ['an unknown function', 'nowhere(self)'],
    ['an empty expression', ''],
  ])('refuses %s with ERR_SNIPPET_COMPILE naming line and column', (_what, code) => {
    let thrown: unknown;
    try {
      compile(code);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WeftError);
    expect((thrown as WeftError).code).toBe('ERR_SNIPPET_COMPILE');
    expect((thrown as WeftError).params.language).toBe('cel');
    expect(String((thrown as WeftError).params.reason)).toMatch(/ at \d+:\d+$/);
  });

  it.each([
    ['a missing key', 'self.nope', {}],
    ['a bad overload at run time', 'self.s + 1', { s: 'x' }],
    ['a list index out of range', 'self.l[5]', { l: [1] }],
    ['a non-bool ternary condition', 'self.x ? 1 : 2', { x: 'yes' }],
    ['a value the library cannot hold', 'self.f', { f: () => 1 }],
  ])('fails on %s with ERR_SNIPPET_RUNTIME carrying the library error as cause', (_what, code, self) => {
    let thrown: unknown;
    try {
      run(code, self);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as WeftError).code).toBe('ERR_SNIPPET_RUNTIME');
    expect((thrown as WeftError).cause).toBeInstanceOf(Error);
  });

  it('is usable again after a failed run', () => {
    const program = compile('self.a > 1');
    expect(() => program.run({})).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
    expect(program.run({ a: 2 })).toBe(true);
  });
});

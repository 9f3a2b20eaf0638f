import { describe, expect, it } from 'vitest';
import { jsonLanguage, WeftError } from '../../../src/index.ts';

describe('jsonLanguage', () => {
  it('parses the code once and returns the constant on every run', async () => {
    const program = await jsonLanguage.compile('{"a": [1, 2.5, "x"], "b": {}, "c": []}');
    expect(program.run('ignored')).toEqual({ a: [1, 2.5, 'x'], b: {}, c: [] });
    expect(program.run(null)).toBe(program.run(1));
  });

  it('freezes the constant so one run cannot change the next', async () => {
    const program = await jsonLanguage.compile('{"list": [{"n": 1}]}');
    const value = program.run(null) as { list: { n: number }[] };
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.list[0])).toBe(true);
    expect(() => {
      'use strict';
      value.list[0]!.n = 2;
    }).toThrow(TypeError);
  });

  it('reports a parse error as ERR_SNIPPET_COMPILE', () => {
    expect(() => jsonLanguage.compile('{"a": ')).toThrow(WeftError);
    expect(() => jsonLanguage.compile('{"a": ')).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_COMPILE' }));
  });

  it('returns scalars as they are', async () => {
    expect((await jsonLanguage.compile('42')).run(null)).toBe(42);
    expect((await jsonLanguage.compile('null')).run(1)).toBe(null);
  });
});

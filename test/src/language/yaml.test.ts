import { describe, expect, it } from 'vitest';
import { yamlLanguage } from '../../../src/index.ts';

describe('yamlLanguage', () => {
  it('parses one YAML document once and returns it on every run', async () => {
    const program = await yamlLanguage.compile('status: 200\nbody:\n  - a\n  - b\nheader: {}\n');
    expect(program.run('ignored')).toEqual({ status: 200, body: ['a', 'b'], header: {} });
    expect(Object.isFrozen(program.run(null))).toBe(true);
  });

  it('reports bad YAML as ERR_SNIPPET_COMPILE', () => {
    for (const code of ['a: [1, 2', 'a: 1\na: 2', '---\na: 1\n---\nb: 2\n']) {
      expect(() => yamlLanguage.compile(code), code).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_COMPILE' }));
    }
  });

  it('gives null for an empty document', async () => {
    expect((await yamlLanguage.compile('')).run(1)).toBe(null);
  });
});

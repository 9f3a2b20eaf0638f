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

  it('refuses an alias bomb, an undefined alias and deep nesting as ERR_SNIPPET_COMPILE, in bounded time', () => {
    let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (const [index, name] of [...'bcdefghi'].entries()) bomb += `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]\n`;
    const started = Date.now();
    for (const code of [bomb, 'a: *nope\n', `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`, `a: ${'{b: '.repeat(200)}1${'}'.repeat(200)}`]) {
      expect(() => yamlLanguage.compile(code), code.slice(0, 30)).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_COMPILE' }));
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives null for an empty document', async () => {
    expect((await yamlLanguage.compile('')).run(1)).toBe(null);
  });
});

import { describe, expect, it } from 'vitest';
import { textLanguage } from '../../../src/index.ts';

describe('textLanguage', () => {
  it('returns the code verbatim and ignores the input', async () => {
    const program = await textLanguage.compile('Hello, {{ name }}!');
    expect(program.run({ name: 'x' })).toBe('Hello, {{ name }}!');
    expect(program.run(null)).toBe('Hello, {{ name }}!');
  });

  it('keeps an empty program empty', async () => {
    expect((await textLanguage.compile('')).run(1)).toBe('');
  });
});

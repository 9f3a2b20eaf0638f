import { describe, expect, it } from 'vitest';
import { createDefaultLanguages } from '../../../src/index.ts';

describe('createDefaultLanguages', () => {
  it('offers text, json, yaml and cel', () => {
    expect(createDefaultLanguages().names).toEqual(expect.arrayContaining(['text', 'json', 'yaml', 'cel']));
  });

  it('returns a new registry on every call', () => {
    expect(createDefaultLanguages()).not.toBe(createDefaultLanguages());
  });

  it('compiles through the registry and refuses an unknown language with ERR_LANGUAGE_UNKNOWN', async () => {
    const languages = createDefaultLanguages();
    expect((await languages.compile('json', '[1]')).run(null)).toEqual([1]);
    expect(() => languages.compile('cobol', 'x')).toThrow(expect.objectContaining({ code: 'ERR_LANGUAGE_UNKNOWN' }));
  });
});

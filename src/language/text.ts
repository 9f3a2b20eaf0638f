import type { Language } from './language.ts';

/** The `text` language: a program returns its code verbatim and ignores its input. */
export const textLanguage: Language = {
  name: 'text',
  compile(code) {
    return { run: () => code };
  },
};

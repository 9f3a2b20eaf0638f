import { constantLanguage } from './constant-language.ts';
import type { Language } from './language.ts';

/** The `json` language: the code is one JSON document, parsed once; runs return it (frozen). */
export const jsonLanguage: Language = constantLanguage('json', (code) => JSON.parse(code));

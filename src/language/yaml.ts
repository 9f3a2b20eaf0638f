import { parse } from 'yaml';
import { constantLanguage } from './constant-language.ts';
import type { Language } from './language.ts';

/** The `yaml` language: the code is one YAML document, parsed once; runs return it (frozen). */
export const yamlLanguage: Language = constantLanguage('yaml', (code) => parse(code, { logLevel: 'error' }) as unknown);

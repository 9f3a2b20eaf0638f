export type { CompileOptions, Language, Program } from './language.ts';
export { LanguageRegistry } from './language-registry.ts';
export { textLanguage } from './text.ts';
export { jsonLanguage } from './json.ts';
export { yamlLanguage } from './yaml.ts';
export { constantLanguage } from './constant-language.ts';
export { createDefaultLanguages } from './default-languages.ts';

export type { CompileOptions, Language, Program } from './language.ts';
export { LanguageRegistry } from './language-registry.ts';

import { jsonLanguage } from './json.ts';
import type { Language } from './language.ts';
import { LanguageRegistry } from './language-registry.ts';
import { textLanguage } from './text.ts';
import { yamlLanguage } from './yaml.ts';

/**
 * The built-in languages, one factory each, so a language with per-runtime state (an isolate
 * pool) can make a fresh instance for every registry.
 */
const builtins: readonly (() => Language)[] = [
  () => textLanguage,
  () => jsonLanguage,
  () => yamlLanguage,
];

/** A new registry of the built-in languages (text, json, yaml), for one runtime or test. */
export function createDefaultLanguages(): LanguageRegistry {
  return new LanguageRegistry(builtins.map((make) => make()));
}

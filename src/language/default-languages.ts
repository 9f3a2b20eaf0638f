import { celLanguage } from './cel/cel-language.ts';
import { javascriptLanguages } from './javascript/javascript-languages.ts';
import type { JavascriptLanguageOptions } from './javascript/sandboxed-language.ts';
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
  () => celLanguage(),
];

/** Options of the built-in languages. */
export interface DefaultLanguagesOptions {
  /**
   * The `javascript`/`typescript` sandbox: `isolation` (`process`, the default, or `in-process`
   * for trusted code), `processes`, default `limits` (docs/languages/javascript.md).
   */
  readonly javascript?: JavascriptLanguageOptions;
}

/**
 * A new registry of the built-in languages (text, json, yaml, cel, javascript, typescript), for
 * one runtime or test. javascript and typescript share one sandbox, whose child processes start
 * with the first compile and stop when the last program closes.
 */
export function createDefaultLanguages(options: DefaultLanguagesOptions = {}): LanguageRegistry {
  return new LanguageRegistry([...builtins.map((make) => make()), ...javascriptLanguages(options.javascript)]);
}

import { sandboxedLanguage, type JavascriptLanguageOptions, type SandboxedLanguage } from './sandboxed-language.ts';

/** The `typescript` language: as `javascript`, with the types stripped first (Node's own stripper). */
export function typescriptLanguage(options: JavascriptLanguageOptions = {}): SandboxedLanguage {
  return sandboxedLanguage('typescript', options);
}

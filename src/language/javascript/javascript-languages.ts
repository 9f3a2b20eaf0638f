import { createSnippetSandbox } from './create-snippet-sandbox.ts';
import { javascriptLanguage } from './javascript-language.ts';
import type { JavascriptLanguageOptions, SandboxedLanguage } from './sandboxed-language.ts';
import { typescriptLanguage } from './typescript-language.ts';

/** `javascript` and `typescript` sharing one sandbox (one process pool for both), as a runtime offers them. */
export function javascriptLanguages(options: JavascriptLanguageOptions = {}): readonly [SandboxedLanguage, SandboxedLanguage] {
  const shared = { ...options, sandbox: options.sandbox ?? createSnippetSandbox(options) };
  return [javascriptLanguage(shared), typescriptLanguage(shared)];
}

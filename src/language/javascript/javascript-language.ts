import { sandboxedLanguage, type JavascriptLanguageOptions, type SandboxedLanguage } from './sandboxed-language.ts';

/**
 * The `javascript` language: `export default function (input) { … }`, sync or async, run in
 * an isolated-vm isolate of its own (in a sandbox process unless `isolation: 'in-process'`).
 */
export function javascriptLanguage(options: JavascriptLanguageOptions = {}): SandboxedLanguage {
  return sandboxedLanguage('javascript', options);
}

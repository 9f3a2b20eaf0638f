import type { CompileOptions, Language, LanguageLogger, Program } from '../language.ts';
import { createSnippetSandbox, type SnippetSandboxOptions } from './create-snippet-sandbox.ts';
import type { SnippetSandbox } from './snippet-sandbox.ts';
import { DEFAULT_SNIPPET_LIMITS, snippetLimits, type SnippetLimits } from './snippet-limits.ts';
import type { SnippetLanguage } from './to-javascript.ts';

/** Options of the `javascript` and `typescript` languages. */
export interface JavascriptLanguageOptions extends SnippetSandboxOptions {
  /** The sandbox to run in, shared between languages; by default a new one from these options. */
  readonly sandbox?: SnippetSandbox;
  /** Limits for specs that set none (default 128 MiB, 5 s), and the payload limit of every snippet (16 MiB). */
  readonly limits?: Partial<SnippetLimits>;
  /** Where to report sandbox events of programs compiled without a logger of their own. */
  readonly logger?: LanguageLogger;
}

/** A language whose programs run in a snippet sandbox; `close` closes that sandbox. */
export interface SandboxedLanguage extends Language {
  readonly sandbox: SnippetSandbox;
  close(): Promise<void>;
}

/**
 * A language of ES modules whose default export is called with the payload (DESIGN.md §4):
 * `compile` fills in the limits (ERR_SNIPPET_LIMITS_INVALID when out of range) and compiles in
 * the sandbox (ERR_SNIPPET_COMPILE for code that does not compile).
 */
export function sandboxedLanguage(name: SnippetLanguage, options: JavascriptLanguageOptions = {}): SandboxedLanguage {
  const sandbox = options.sandbox ?? createSnippetSandbox(options);
  const defaults = { ...DEFAULT_SNIPPET_LIMITS, ...options.limits };
  return {
    name,
    sandbox,
    compile(code: string, compileOptions?: CompileOptions): Program | Promise<Program> {
      const limits = snippetLimits(compileOptions, defaults);
      return sandbox.compile({ language: name, code, limits, label: compileOptions?.label ?? name, logger: compileOptions?.logger ?? options.logger });
    },
    close: () => sandbox.close(),
  };
}

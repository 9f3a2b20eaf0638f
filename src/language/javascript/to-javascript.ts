import { stripTypeScriptTypes } from 'node:module';
import { WeftError } from '../../errors/index.ts';
import { clip, indexOf, reasonAt } from '../source-excerpt.ts';

/** The two source languages a snippet sandbox runs. */
export type SnippetLanguage = 'javascript' | 'typescript';

/**
 * The JavaScript to compile for a snippet: JavaScript as it is, TypeScript with its types
 * removed by Node's own `module.stripTypeScriptTypes` (the stripper behind Node's type
 * stripping, so there is no extra dependency). `transform` mode also accepts `enum` and
 * `namespace`, which strip-only mode refuses. Invalid TypeScript is ERR_SNIPPET_COMPILE, with
 * the line and an excerpt (Node puts the line's source in the error's stack, so the error is not
 * kept as the cause: a megabyte line would follow it into every log line).
 * Node marks the function experimental and prints one warning per process on first use, which
 * is why the process sandbox calls this in its child processes rather than in the engine.
 */
export function toJavascript(language: SnippetLanguage, code: string): string {
  if (language === 'javascript') return code;
  try {
    return stripTypeScriptTypes(code, { mode: 'transform', sourceMap: false });
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    const line = thrown instanceof Error ? /^[^\n]*:(\d+)\n/.exec(thrown.stack ?? '')?.[1] : undefined;
    const reason = line === undefined ? clip(message) : reasonAt(message, code, indexOf(code, Number(line), 1));
    throw new WeftError('ERR_SNIPPET_COMPILE', { language, reason });
  }
}

import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import { WeftError } from '../../errors/index.ts';
import type { Language } from '../language.ts';
import { createCelEnvironment } from './cel-environment.ts';
import { CelProgram } from './cel-program.ts';
import { celReason } from './cel-reason.ts';
import { PatternCache } from './pattern-cache.ts';

/**
 * The default cost limit of one evaluation (see CostGuard). Measured here, 10^6 units of nested
 * macros take 0.2–0.4 s, all of it blocking the event loop; 10^5 bounds that to tens of ms and
 * still lets a macro range over a 100 000-element list, or two nested over 300 elements.
 */
export const DEFAULT_CEL_COST_LIMIT = 100_000;

/** Options of the `cel` language. */
export interface CelLanguageOptions {
  /** Cost units one evaluation may spend (elements ranged over by macros, sizes bound by cel.bind, `matches` work). */
  readonly costLimit?: number;
}

/**
 * Makes the `cel` language (DESIGN.md §4) on @marcbachmann/cel-js: `compile` parses and
 * type-checks once, with `self` the only variable, and throws ERR_SNIPPET_COMPILE (with line
 * and column) for bad code, including a literal `matches` pattern that is not RE2; the program
 * evaluates synchronously. Each call makes a new
 * environment, so every runtime's registry owns its own.
 */
export function celLanguage(options: CelLanguageOptions = {}): Language {
  const costLimit = options.costLimit ?? DEFAULT_CEL_COST_LIMIT;
  let environment: Environment | undefined;
  // Dynamic `matches` patterns, compiled once while among the last few used by this registry.
  const patterns = new PatternCache();
  return {
    name: 'cel',
    compile(code) {
      // Built on first use: a runtime whose specs use no CEL does not pay for an environment.
      environment ??= createCelEnvironment();
      let parsed: ParseResult;
      try {
        parsed = environment.parse(code);
      } catch (thrown) {
        throw compileError(thrown, code);
      }
      const checked = parsed.check();
      if (!checked.valid) throw compileError(checked.error, code);
      return new CelProgram(parsed, code, costLimit, patterns);
    },
  };
}

function compileError(thrown: unknown, code: string): WeftError {
  return new WeftError('ERR_SNIPPET_COMPILE', { language: 'cel', reason: celReason(thrown, code) }, { cause: thrown });
}

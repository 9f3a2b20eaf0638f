import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { registerErrorType } from './cel-error-value.ts';
import { registerNumericOverloads } from './numeric-overloads.ts';
import { compilePattern } from './pattern-cache.ts';

/**
 * The CEL environment of weft's `cel` language: one variable, `self` (dynamic: the payload),
 * so any other identifier is a compile error (uniflow §9.1); optional chaining (`self.?x`)
 * on; mixed-type list and map literals allowed (`{"status": 400, "body": self}`), as JSON
 * has them; int/double mixed arithmetic; the `error` type of error payloads; and
 * `replace`/`charAt` from cel-go's string extension and the global `matches(s, p)` of the CEL
 * spec, which the library lacks (both `matches` forms run on RE2: see re2-matches.ts). Building one
 * is costly (the library's own advice): make it once per language instance, not per spec.
 */
export function createCelEnvironment(): Environment {
  const environment = new Environment({
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
  });
  environment.registerVariable('self', 'dyn', { description: 'The payload of the packet.' });
  registerNumericOverloads(environment);
  registerErrorType(environment);
  registerStringExtensions(environment);
  return environment;
}

function registerStringExtensions(environment: Environment): void {
  environment
    .registerFunction('string.replace(string, string): string', (text: string, from: string, to: string) => text.replaceAll(from, to))
    .registerFunction('string.replace(string, string, int): string', (text: string, from: string, to: string, limit: bigint) =>
      replaceSome(text, from, to, limit),
    )
    .registerFunction('string.charAt(int): string', (text: string, index: bigint) => charAt(text, index))
    .registerFunction('matches(string, string): bool', matchesOnce);
}

/**
 * The global `matches(text, pattern)` for type checking. bindMatches replaces the handler of
 * every call it finds with a cached, cost-charged one; this fallback is RE2 all the same.
 */
function matchesOnce(text: string, pattern: string): boolean {
  const compiled = compilePattern(pattern);
  if (typeof compiled === 'string') throw new EvaluationError({ code: 'invalid_regular_expression', message: `invalid regular expression: ${compiled}` });
  return compiled.test(text);
}

/** cel-go's `replace(old, new, n)`: at most n replacements, all of them when n is negative. */
function replaceSome(text: string, from: string, to: string, limit: bigint): string {
  if (limit < 0n) return text.replaceAll(from, to);
  let result = text;
  let start = 0;
  for (let done = 0n; done < limit; done++) {
    const at = result.indexOf(from, start);
    if (at === -1) break;
    result = result.slice(0, at) + to + result.slice(at + from.length);
    start = at + to.length + (from === '' ? 1 : 0);
  }
  return result;
}

/** cel-go's `charAt(i)`: the code point at i, "" at the end, an error beyond it. */
function charAt(text: string, index: bigint): string {
  const points = Array.from(text);
  if (index < 0n || index > BigInt(points.length)) throw new EvaluationError(`index out of range: ${index}`);
  return points[Number(index)] ?? '';
}

import { EvaluationError, type ErrorOptions } from '@marcbachmann/cel-js';
import type { RE2JS } from 're2js';
import { WeftError } from '../../errors/index.ts';
import { celReason } from './cel-reason.ts';
import type { CostGuard } from './cost-guard.ts';
import { compilePattern, type PatternCache } from './pattern-cache.ts';
import { isNode, visitCalls, type CallNode } from './visit-calls.ts';

/**
 * Text characters × program instructions per cost unit of one `matches`. RE2 is linear in the
 * text, but its NFA (which re2js falls back to when the DFA outgrows its memory) costs up to
 * ~30 ns per character per instruction: `(\w+\s*){1000}$` (6 003 instructions) took 25 s on
 * 150 000 characters. 16 makes a unit about 0.5 µs of that worst case, as for macros.
 */
const CHARS_INSTRUCTIONS_PER_UNIT = 16;

/** Cost units per character of a pattern from the payload: compiling costs up to ~10 µs a character. */
const UNITS_PER_PATTERN_CHAR = 20;

/** Patterns longer than this are quoted shortened in error reasons. */
const QUOTED_PATTERN = 60;

/**
 * Makes every `matches` call under `root` (`s.matches(p)` and `matches(s, p)`) run on RE2
 * (re2js, linear time) instead of the library's JavaScript RegExp, which backtracks and cannot be
 * interrupted (`^(a+)+$` on 27 characters blocked for seconds). CEL's semantics stay: RE2
 * syntax, no flags, true when the pattern matches any substring. A literal pattern compiles
 * here, once; an invalid one is ERR_SNIPPET_COMPILE naming it. Any other pattern goes through
 * `patterns` (a bounded LRU cache), is charged UNITS_PER_PATTERN_CHAR per character (cached or
 * not, so the cost does not depend on the cache), and an invalid one throws an EvaluationError
 * coded `invalid_regular_expression` (CelProgram reports ERR_CEL_PATTERN). Every call is also
 * charged its worst-case matching work before it runs, so one call cannot outlast the cost
 * limit. Operands that are not strings go to the library's handler (its overload error).
 * Returns false when there is no `matches` call. Relies on @marcbachmann/cel-js 8 internals
 * (`handle` set by type checking), as CostGuard does; tests fail if they change.
 */
export function bindMatches(root: unknown, guard: CostGuard, patterns: PatternCache): boolean {
  return visitCalls(root, (node) => bindCall(node, guard, patterns));
}

function bindCall(node: CallNode, guard: CostGuard, patterns: PatternCache): boolean {
  const args = node.args as unknown[];
  const method = node.op === 'rcall' && args[0] === 'matches' && (args[2] as unknown[]).length === 1;
  const global = node.op === 'call' && args[0] === 'matches' && (args[1] as unknown[]).length === 2;
  const original = node.handle;
  if ((!method && !global) || original === undefined) return false;
  const patternNode = method ? (args[2] as unknown[])[0] : (args[1] as unknown[])[1];
  const constant = literalPattern(patternNode);
  const run = (values: unknown[], at: unknown): unknown => {
    const [text, pattern] = values;
    if (typeof text !== 'string' || typeof pattern !== 'string') return undefined;
    return search(text, constant ?? dynamicPattern(pattern, guard, patterns, at), guard);
  };
  node.handle = method
    ? (values, evaluator, at) => run(values, at) ?? original(values, evaluator, at)
    : (values, at, evaluator) => run(values, at) ?? original(values, at, evaluator);
  return true;
}

/** The compiled pattern of a string literal, undefined for any other operand. */
function literalPattern(node: unknown): RE2JS | undefined {
  if (!isNode(node) || node.op !== 'value' || typeof node.args !== 'string') return undefined;
  const compiled = compilePattern(node.args);
  if (typeof compiled !== 'string') return compiled;
  const error = patternError(node.args, compiled, node);
  throw new WeftError('ERR_SNIPPET_COMPILE', { language: 'cel', reason: celReason(error, node.input) }, { cause: error });
}

function dynamicPattern(pattern: string, guard: CostGuard, patterns: PatternCache, at: unknown): RE2JS {
  guard.charge(pattern.length * UNITS_PER_PATTERN_CHAR);
  const compiled = patterns.get(pattern);
  if (typeof compiled === 'string') throw patternError(pattern, compiled, at);
  return compiled;
}

function search(text: string, pattern: RE2JS, guard: CostGuard): boolean {
  guard.charge(Math.floor((text.length * (pattern.re2Input.prog as { numInst(): number }).numInst()) / CHARS_INSTRUCTIONS_PER_UNIT));
  return pattern.test(text);
}

function patternError(pattern: string, reason: string, node: unknown): EvaluationError {
  const quoted = JSON.stringify(pattern.length > QUOTED_PATTERN ? `${pattern.slice(0, QUOTED_PATTERN)}…` : pattern);
  const options = { code: 'invalid_regular_expression', message: `invalid regular expression ${quoted}: ${reason}`, node } as ErrorOptions;
  return new EvaluationError(options);
}

import { EvaluationError, type ParseResult } from '@marcbachmann/cel-js';
import { WeftError } from '../../errors/index.ts';
import type { Program } from '../language.ts';
import { CelErrorValue } from './cel-error-value.ts';
import { celReason } from './cel-reason.ts';
import { celInput } from './cel-input.ts';
import { chargeBuilders } from './charge-builders.ts';
import { CostGuard } from './cost-guard.ts';
import { compileFastPath, UNDECIDED, type FastPath } from './fast-path.ts';
import type { PatternCache } from './pattern-cache.ts';
import { bindMatches } from './re2-matches.ts';
import { toPlain } from './to-plain.ts';

/**
 * One compiled, type-checked CEL expression. `run` is synchronous: it evaluates with `self` =
 * the payload (an error payload as a CelErrorValue) and returns a plain JS value (toPlain).
 * A failed evaluation throws ERR_SNIPPET_RUNTIME with the library's reason, and going over the
 * cost limit ERR_CEL_COST_LIMIT; an invalid `matches` pattern from the payload is ERR_CEL_PATTERN
 * (re2-matches.ts: `matches` runs on RE2, in linear time). Per call it allocates only what the library needs (its root
 * context) and what the result conversion copies; the variables object is reused. Expressions
 * of the commonest shapes (`self.data`, `self.type == 1 || self.type == 2`, `self.filter(e,
 * e.type != "view").map(e, {…})`) first try a fast path in plain JS (fast-path.ts), which
 * leaves to the library every payload it is not sure of (and one over the cost limit).
 */
export class CelProgram implements Program {
  readonly #evaluate: ParseResult;
  readonly #code: string;
  /** The variables of an evaluation, reused: evaluation is synchronous and never re-entered. */
  readonly #variables: { self: unknown } = { self: null };
  /** Undefined when the expression has nothing to charge (no macro, no bind, no `matches`). */
  readonly #guard: CostGuard | undefined;
  /** Undefined when the expression has a shape the fast path does not know, or a `matches` or string builder to charge. */
  readonly #fast: FastPath | undefined;
  readonly #limit: number;

  /**
   * `parsed` must already be type-checked (so the library skips checking on every call).
   * Throws ERR_SNIPPET_COMPILE when a literal `matches` pattern is not valid RE2.
   */
  constructor(parsed: ParseResult, code: string, costLimit: number, patterns: PatternCache) {
    this.#evaluate = parsed;
    this.#code = code;
    // Compiled before the guard wraps nodes; it charges macros itself (fast-path.ts).
    const fast = compileFastPath(parsed.ast as never);
    const guard = new CostGuard(costLimit);
    const matches = bindMatches(parsed.ast, guard, patterns);
    const builders = chargeBuilders(parsed.ast, guard);
    this.#guard = guard.instrument(parsed.ast) || matches || builders ? guard : undefined;
    this.#fast = matches || builders ? undefined : fast;
    this.#limit = costLimit;
  }

  run(input: unknown): unknown {
    const fast = this.#fast;
    if (fast !== undefined && !(input instanceof Error)) {
      const value = this.#tryFast(fast, input ?? null);
      if (value !== UNDECIDED) return toPlain(value);
    }
    const variables = this.#variables;
    const guard = this.#guard;
    if (guard !== undefined) guard.spent = 0;
    variables.self = input instanceof Error ? new CelErrorValue(input) : celInput(input ?? null);
    let result: unknown;
    try {
      result = this.#evaluate(variables);
    } catch (thrown) {
      throw this.#failure(thrown);
    } finally {
      variables.self = null;
    }
    if (guard?.exceeded === true) throw this.#failure(undefined);
    return toPlain(result);
  }

  /** The fast path's answer, or UNDECIDED (also when a selected accessor throws: the library reports it). */
  #tryFast(fast: FastPath, input: unknown): unknown {
    try {
      const value = fast(input, { vars: [], spent: 0, limit: this.#limit });
      return isResult(value) ? value : UNDECIDED;
    } catch {
      return UNDECIDED;
    }
  }

  #failure(thrown: unknown): WeftError {
    const guard = this.#guard;
    if (guard?.exceeded === true) return new WeftError('ERR_CEL_COST_LIMIT', { limit: guard.limit });
    if (thrown instanceof EvaluationError && thrown.code === 'invalid_regular_expression') {
      return new WeftError('ERR_CEL_PATTERN', { reason: celReason(thrown, this.#code) }, { cause: thrown });
    }
    return new WeftError('ERR_SNIPPET_RUNTIME', { reason: celReason(thrown, this.#code) }, { cause: thrown });
  }
}

/** Values the library gives back as they are (toPlain converts ints); others (dates, functions, maps) are its to judge. */
function isResult(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint';
  if (Array.isArray(value) || value instanceof Uint8Array) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

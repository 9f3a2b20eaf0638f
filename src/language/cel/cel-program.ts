import type { ParseResult } from '@marcbachmann/cel-js';
import { WeftError } from '../../errors/index.ts';
import type { Program } from '../language.ts';
import { CelErrorValue } from './cel-error-value.ts';
import { celReason } from './cel-reason.ts';
import { CostGuard } from './cost-guard.ts';
import { toPlain } from './to-plain.ts';

/**
 * One compiled, type-checked CEL expression. `run` is synchronous: it evaluates with `self` =
 * the payload (an error payload as a CelErrorValue) and returns a plain JS value (toPlain).
 * A failed evaluation throws ERR_SNIPPET_RUNTIME with the library's reason, and going over the
 * cost limit ERR_CEL_COST_LIMIT. Per call it allocates only what the library needs (its root
 * context) and what the result conversion copies; the variables object is reused.
 */
export class CelProgram implements Program {
  readonly #evaluate: ParseResult;
  readonly #code: string;
  /** The variables of an evaluation, reused: evaluation is synchronous and never re-entered. */
  readonly #variables: { self: unknown } = { self: null };
  /** Undefined when the expression has nothing to charge (no macro, no bind). */
  readonly #guard: CostGuard | undefined;

  /** `parsed` must already be type-checked (so the library skips checking on every call). */
  constructor(parsed: ParseResult, code: string, costLimit: number) {
    this.#evaluate = parsed;
    this.#code = code;
    const guard = new CostGuard(costLimit);
    this.#guard = guard.instrument(parsed.ast) ? guard : undefined;
  }

  run(input: unknown): unknown {
    const variables = this.#variables;
    const guard = this.#guard;
    if (guard !== undefined) guard.spent = 0;
    variables.self = input instanceof Error ? new CelErrorValue(input) : (input ?? null);
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

  #failure(thrown: unknown): WeftError {
    const guard = this.#guard;
    if (guard?.exceeded === true) return new WeftError('ERR_CEL_COST_LIMIT', { limit: guard.limit });
    return new WeftError('ERR_SNIPPET_RUNTIME', { reason: celReason(thrown, this.#code) }, { cause: thrown });
  }
}

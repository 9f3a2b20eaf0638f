import { WeftError } from './weft-error.ts';

/**
 * Every error reachable from `error` through `cause` and `errors` (AggregateError), the error
 * itself first, each once.
 */
export function errorChain(error: unknown): unknown[] {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined || next === null || seen.has(next)) continue;
    seen.add(next);
    if (next instanceof Error) {
      if (next.cause !== undefined) queue.push(next.cause);
      if (next instanceof AggregateError) queue.push(...next.errors);
    }
  }
  return [...seen];
}

/**
 * True when any error in the chain has `text` as its category, code (a WeftError's, or a
 * Node error's such as ECONNREFUSED) or message: the rule behind
 * CEL's `self == "invalid argument"` on error payloads (DESIGN.md §2).
 */
export function errorMatches(error: unknown, text: string): boolean {
  for (const entry of errorChain(error)) {
    if (entry instanceof WeftError && entry.category === text) return true;
    // Node's own errors carry codes too (ECONNREFUSED on a cause): they match like weft's.
    if (entry instanceof Error && (entry.message === text || (entry as { code?: unknown }).code === text)) return true;
  }
  return false;
}

/**
 * Turns anything thrown into a WeftError, keeping a WeftError as it is. A stack overflow (a
 * synchronous cycle of nodes without an exit) becomes ERR_RECURSION_LIMIT, anything else
 * ERR_INTERNAL with the thrown value as its cause.
 */
export function toWeftError(thrown: unknown): WeftError {
  if (thrown instanceof WeftError) return thrown;
  if (thrown instanceof RangeError && thrown.message === 'Maximum call stack size exceeded') return new WeftError('ERR_RECURSION_LIMIT', {}, { cause: thrown });
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new WeftError('ERR_INTERNAL', { reason }, { cause: thrown });
}

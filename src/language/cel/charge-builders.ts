import type { CostGuard } from './cost-guard.ts';
import { visitCalls, type CallNode } from './visit-calls.ts';

/** Characters (or elements) a function builds per cost unit: as OPERAND_UNIT in cost-guard.ts, about 0.5 µs of work. */
const CHARS_PER_UNIT = 10;

/**
 * What a string- or list-building method will build at most, from its receiver and arguments,
 * computed before it runs; undefined for operands it does not take (the library then reports
 * its overload error).
 */
const estimates: Readonly<Record<string, (receiver: unknown, args: readonly unknown[]) => number | undefined>> = {
  replace: (text, [from, to, limit]) => {
    if (typeof text !== 'string' || typeof from !== 'string' || typeof to !== 'string') return undefined;
    const possible = from === '' ? text.length + 1 : Math.floor(text.length / from.length);
    const count = typeof limit === 'bigint' && limit >= 0n ? Math.min(possible, Number(limit)) : possible;
    return text.length + count * to.length;
  },
  join: (list, [separator]) => {
    if (!Array.isArray(list)) return undefined;
    let size = (typeof separator === 'string' ? separator.length : 0) * list.length;
    for (const item of list) size += typeof item === 'string' ? item.length : 1;
    return size;
  },
  split: (text) => (typeof text === 'string' ? text.length : undefined),
  lowerAscii: (text) => (typeof text === 'string' ? text.length : undefined),
  upperAscii: (text) => (typeof text === 'string' ? text.length : undefined),
  trim: (text) => (typeof text === 'string' ? text.length : undefined),
  substring: (text) => (typeof text === 'string' ? text.length : undefined),
};

/**
 * Charges every string- and list-building method call under `root` (`replace`, `join`,
 * `split`, …), wherever it is, by the size of what it will build, before it runs: one call of
 * `s.replace("a", s)` on a 23 KB body builds 529 million characters, which no check after the
 * call could stop. The cost guard charges what macros walk; this charges what one call builds,
 * so a single expression cannot outlast the cost limit either. Returns false when there is no
 * such call. Relies on @marcbachmann/cel-js 8 internals (`handle` set by type checking), as
 * bindMatches does; test/src/language/cel/cel-cost.test.ts fails if they change.
 */
export function chargeBuilders(root: unknown, guard: CostGuard): boolean {
  return visitCalls(root, (node) => charge(node, guard));
}

function charge(node: CallNode, guard: CostGuard): boolean {
  const args = node.args as unknown[];
  const estimate = node.op === 'rcall' && typeof args[0] === 'string' && Object.hasOwn(estimates, args[0]) ? estimates[args[0]] : undefined;
  const original = node.handle;
  if (estimate === undefined || original === undefined) return false;
  node.handle = (values, evaluator, at) => {
    const size = estimate(values[0], values.slice(1));
    if (size !== undefined) guard.charge(Math.floor(size / CHARS_PER_UNIT));
    return original(values, evaluator, at);
  };
  return true;
}

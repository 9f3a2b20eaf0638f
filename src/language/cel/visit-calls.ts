/** The parts of the library's AST nodes a call visitor sees (see cost-guard.ts for the others). */
export interface CallNode {
  readonly op: string;
  readonly args: unknown;
  readonly meta: { readonly alternate?: unknown; readonly macro?: Record<string, unknown> };
  readonly input?: string;
  /** Set by type checking: `rcall` gets (values, evaluator, node), `call` (values, node, evaluator). */
  handle?: (values: unknown[], second: unknown, third: unknown) => unknown;
}

/**
 * Calls `visit` on every node under `root` once, children first, through macro expansions,
 * macro arguments and comprehensions: where bindMatches and chargeBuilders find the calls they
 * rebind. True when `visit` returned true for any node. Relies on @marcbachmann/cel-js 8
 * internals (pinned), as CostGuard does.
 */
export function visitCalls(root: unknown, visit: (node: CallNode) => boolean): boolean {
  let found = false;
  const seen = new Set<unknown>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (!isNode(value) || seen.has(value)) return;
    seen.add(value);
    const { alternate, macro } = value.meta;
    if (alternate !== undefined) walk(alternate);
    if (macro !== undefined) {
      walk(macro.args);
      walk(macro.exp);
      walk(macro.val);
    }
    if (value.op === 'comprehension') {
      const args = value.args as Record<string, unknown>;
      walk(args.iterable);
      walk(args.init);
      walk(args.step);
      return;
    }
    walk(value.args);
    if (visit(value)) found = true;
  };
  walk(root);
  return found;
}

/** True for a library AST node. */
export function isNode(value: unknown): value is CallNode {
  return typeof value === 'object' && value !== null && typeof (value as CallNode).op === 'string' && typeof (value as CallNode).meta === 'object';
}

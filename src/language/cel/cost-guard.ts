/**
 * The parts of the library's AST nodes the guard uses. They are not in its type declarations:
 * `meta.alternate` is the expansion of a macro call (a `comprehension` node for
 * all/exists/exists_one/map/filter), `meta.macro` a macro evaluated as a whole (`has`,
 * `cel.bind`, whose bound value is `val`). Evaluation calls `node.evaluate(evaluator, node, ctx)`.
 */
interface AstNode {
  readonly op: string;
  readonly args: unknown;
  readonly meta: { readonly alternate?: AstNode; readonly macro?: Record<string, unknown> };
  readonly maybeAsync: boolean;
  readonly input?: string;
  readonly pos?: number;
  readonly start?: number;
  readonly end?: number;
  readonly range?: unknown;
  readonly checkedType?: unknown;
  evaluate(evaluator: unknown, node: AstNode, context: unknown): unknown;
}

interface Comprehension {
  iterable: AstNode;
  init: AstNode;
  step: AstNode;
}

/** Thrown inside the library to stop a loop; the program turns it into ERR_CEL_COST_LIMIT. */
export const costExceeded = new Error('cel cost limit exceeded');

/**
 * Bounds the work of one CEL evaluation, which the library does not (its limits are on the
 * parsed expression only). CEL has no loops, so the work beyond the expression's size comes from
 * macros ranging over collections and from `cel.bind` reusing a value: every comprehension
 * (all, exists, exists_one, map, filter) charges the size of the list or map it ranges over
 * before it starts, and every `cel.bind` the size of its bound value (elements, entries, or
 * characters). A nested `a.map(x, a.map(y, …))` over n items charges n + n². Exceeding the limit
 * stops the evaluation: later charges throw `costExceeded` at once, and the program checks
 * `exceeded` afterwards, since the library may swallow an error (`true || …`).
 *
 * `instrument` wraps those nodes once, after type checking; an expression without macros or
 * binds is not touched and pays nothing. One guard per program: evaluation is synchronous.
 * It relies on internals of @marcbachmann/cel-js 8 (pinned in package.json); if an upgrade
 * changes them, nothing is wrapped and test/src/language/cel/cel-cost.test.ts fails.
 */
export class CostGuard {
  readonly limit: number;
  spent = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get exceeded(): boolean {
    return this.spent > this.limit;
  }

  /** Wraps the costed nodes under `root`; false when there are none (nothing to reset). */
  instrument(root: unknown): boolean {
    let found = false;
    const seen = new Set<AstNode>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item);
        return;
      }
      if (!isAstNode(value) || seen.has(value)) return;
      seen.add(value);
      const { alternate, macro } = value.meta;
      if (alternate !== undefined) visit(alternate);
      if (macro !== undefined) {
        visit(macro.args);
        visit(macro.exp);
        if (isAstNode(macro.val)) {
          visit(macro.val);
          macro.val = this.#charging(macro.val);
          found = true;
        }
      }
      if (value.op === 'comprehension') {
        const args = value.args as Comprehension;
        visit(args.iterable);
        visit(args.init);
        visit(args.step);
        args.iterable = this.#charging(args.iterable);
        found = true;
      } else {
        visit(value.args);
      }
    };
    visit(root);
    return found;
  }

  /** A stand-in for `inner` that charges the size of what it evaluates to. */
  #charging(inner: AstNode): AstNode {
    const charge = (result: unknown): unknown => {
      this.spent += sizeOf(result);
      if (this.spent > this.limit) throw costExceeded;
      return result;
    };
    return {
      op: inner.op,
      args: inner.args,
      meta: inner.meta,
      // Read by the library when it reports an error at this node (source position).
      input: inner.input,
      pos: inner.pos,
      start: inner.start,
      end: inner.end,
      get range() {
        return inner.range;
      },
      get checkedType() {
        return inner.checkedType;
      },
      get maybeAsync() {
        return inner.maybeAsync;
      },
      evaluate: (evaluator, _node, context) => charge(inner.evaluate(evaluator, inner, context)),
    };
  }
}

function isAstNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).op === 'string' && typeof (value as AstNode).meta === 'object';
}

/** Elements of a list, entries of a map, characters of a string or bytes; 1 for anything else. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 1;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return (value as { length: number }).length;
  if (value instanceof Map || value instanceof Set) return value.size;
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}

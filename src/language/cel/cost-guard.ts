/**
 * The parts of the library's AST nodes the guard uses. They are not in its type declarations:
 * `meta.alternate` is the expansion of a macro call (a `comprehension` node for
 * all/exists/exists_one/map/filter), `meta.macro` a macro evaluated as a whole (`has`,
 * `cel.bind`, whose bound value is `val`). Evaluation calls `node.evaluate(evaluator, node, ctx)`.
 */
interface AstNode {
  readonly op: string;
  readonly args: unknown;
  /** Operands of a binary operator, of a method call with its receiver: set by type checking. */
  left?: AstNode;
  right?: AstNode;
  receiverWithArgs?: AstNode[];
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
  /** all/exists: the loop goes on while this is true of the accumulator; they swallow step errors. */
  readonly condition?: (accumulator: unknown) => boolean;
  readonly errorsAreFatal?: boolean;
}

/** Thrown inside the library to stop a loop; the program turns it into ERR_CEL_COST_LIMIT. */
export const costExceeded = new Error('cel cost limit exceeded');

/**
 * Bounds the work of one CEL evaluation, which the library does not (its limits are on the
 * parsed expression only). CEL has no loops, so the work beyond the expression's size comes from
 * macros ranging over collections and from `cel.bind` reusing a value: every comprehension
 * (all, exists, exists_one, map, filter) charges the size of the list or map it ranges over
 * before it starts, and every `cel.bind` the size of its bound value (elements, entries, or
 * characters). A nested `a.map(x, a.map(y, …))` over n items charges n + n². Inside a macro's
 * body, where a call or operator runs once per element, each one also charges a unit per
 * OPERAND_UNIT elements, entries, characters or bytes of every operand (rounded down, so small
 * values cost nothing): `x in big`, `big.join(",")`, `size(text)` or `text.split(",")` per
 * element would otherwise be quadratic work charged as linear. Exceeding the limit
 * stops the evaluation: later charges throw `costExceeded` at once, `all`/`exists` (which
 * swallow their steps' errors) end their loops at the next element, and the program checks
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

  /** Charges `units` of work about to be done; throws `costExceeded` once over the limit. */
  charge(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) throw costExceeded;
  }

  /** Wraps the costed nodes under `root`; false when there are none (nothing to reset). */
  instrument(root: unknown): boolean {
    let found = false;
    const seen = new Set<AstNode>();
    // `inBody`: the node runs once per element of an enclosing macro (its step).
    const visit = (value: unknown, inBody: boolean): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item, inBody);
        return;
      }
      if (!isAstNode(value) || seen.has(value)) return;
      seen.add(value);
      const { alternate, macro } = value.meta;
      if (alternate !== undefined) visit(alternate, inBody);
      if (macro !== undefined) {
        visit(macro.args, inBody);
        visit(macro.exp, inBody);
        if (isAstNode(macro.val)) {
          visit(macro.val, inBody);
          macro.val = this.#charging(macro.val, sizeOf);
          found = true;
        }
      }
      if (value.op === 'comprehension') {
        const args = value.args as Comprehension;
        visit(args.iterable, inBody);
        visit(args.init, inBody);
        visit(args.step, true);
        args.iterable = this.#charging(args.iterable, sizeOf);
        if (args.errorsAreFatal !== true && typeof args.condition === 'function') args.step = this.#stopping(args.step, args.condition);
        found = true;
      } else {
        visit(value.args, inBody);
        if (inBody && alternate === undefined && macro === undefined) this.#chargeOperands(value);
      }
    };
    visit(root, false);
    return found;
  }

  /** Wraps the operands of a call or of an operator that may walk them (see OPERAND_OPS). */
  #chargeOperands(node: AstNode): void {
    const operands = node.op === 'rcall' ? node.receiverWithArgs : node.op === 'call' ? (node.args as unknown[])[1] : undefined;
    if (Array.isArray(operands)) {
      operands.forEach((operand: unknown, index) => {
        if (isAstNode(operand) && mayCost(operand)) operands[index] = this.#charging(operand, operandCost);
      });
    } else if (OPERAND_OPS.has(node.op) && node.left !== undefined && node.right !== undefined) {
      if (mayCost(node.left)) node.left = this.#charging(node.left, operandCost);
      if (mayCost(node.right)) node.right = this.#charging(node.right, operandCost);
    }
  }

  /**
   * A stand-in for the step of `all`/`exists` that, once the limit is exceeded, gives the value
   * that ends the loop. They catch the errors of their steps and go on with the next element,
   * so without it a loop over n elements would still throw and catch n times after the limit.
   */
  #stopping(step: AstNode, condition: (accumulator: unknown) => boolean): AstNode {
    const stop = condition(true) ? false : true;
    const wrapper = this.#charging(step, () => 0);
    return { ...wrapper, evaluate: (evaluator, node, context) => (this.spent > this.limit ? stop : wrapper.evaluate(evaluator, node, context)) };
  }

  /** A stand-in for `inner` that charges `cost` of what it evaluates to. */
  #charging(inner: AstNode, cost: (value: unknown) => number): AstNode {
    const charge = (result: unknown): unknown => {
      this.spent += cost(result);
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

/** Binary operators whose work grows with their operands (membership, equality, concatenation, ordering of strings). */
const OPERAND_OPS = new Set(['==', '!=', 'in', '+', '<', '<=', '>', '>=']);

/**
 * Elements (or characters) per cost unit of an operand. Measured here, one unit is then at most
 * about 0.5 µs of work (list `join`/`+` ≈ 50 ns per element, `size`/`split`/`replace` ≈ 15 ns per
 * character), as much as one iteration of a macro.
 */
export const OPERAND_UNIT = 10;

/** The cost of an operand inside a macro's body: nothing for scalars and small values. */
export function operandCost(value: unknown): number {
  if (typeof value === 'object' ? value === null : typeof value !== 'string') return 0;
  return Math.floor(sizeOf(value) / OPERAND_UNIT);
}

/**
 * False for an operand that never costs, so it is left unwrapped (a wrapper per operand per
 * element is measurable): a small literal, or a value whose checked type is a number or bool.
 */
function mayCost(node: AstNode): boolean {
  if (node.op === 'value') return operandCost(node.args) > 0;
  const type = node.checkedType as { kind?: unknown; name?: unknown } | undefined;
  return !(type?.kind === 'primitive' && type.name !== 'string' && type.name !== 'bytes');
}

/** Elements of a list, entries of a map, characters of a string or bytes; 1 for anything else. */
export function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 1;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return (value as { length: number }).length;
  if (value instanceof Map || value instanceof Set) return value.size;
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}

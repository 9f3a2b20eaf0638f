/** What a fast path gives for a payload outside what it answers: the library evaluates then. */
export const UNDECIDED: unique symbol = Symbol('weft.cel.undecided');

/** One compiled step: a value, or UNDECIDED. */
export type FastPath = (self: unknown) => unknown;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** The parts of the library's AST nodes the fast path reads. */
interface AstNode {
  readonly op: string;
  readonly args: unknown;
}

/**
 * Compiles the commonest shapes of expressions into plain JS, evaluated without the library:
 * `self`, field selects (`self.body.name`), literals, `==`/`!=` of primitives, numeric `<`
 * `<=` `>` `>=`, `&&`, `||`, `!` and `?:`. Anything else gives undefined (no fast path). The
 * compiled function answers only where the library's answer is certain: field selects on plain
 * objects with the field present, comparisons of primitives (numbers and ints compare by value,
 * `1.0 == 1`; values of different kinds are not equal), booleans for the logic operators. Any
 * other payload gives UNDECIDED and the library decides (and reports its error), so results
 * and errors are the library's; a true left side of `||` (false of `&&`) decides the whole, as
 * in CEL. No payload conversion is needed: the fast path never reads a `constructor` key it
 * was not asked for. A selected field that is an accessor is read (the library reads it too).
 */
export function compileFastPath(node: AstNode): FastPath | undefined {
  switch (node.op) {
    case 'id':
      return node.args === 'self' ? (self) => self : undefined;
    case 'value':
      return constant(node.args);
    case '-_': {
      const operand = node.args as AstNode;
      if (operand.op !== 'value') return undefined;
      const value = operand.args;
      return typeof value === 'bigint' || typeof value === 'number' ? () => -value : undefined;
    }
    case '.':
      return select(node.args as [AstNode, string]);
    case '!_': {
      const operand = compileFastPath(node.args as AstNode);
      return operand === undefined ? undefined : (self) => {
        const value = operand(self);
        return typeof value === 'boolean' ? !value : UNDECIDED;
      };
    }
    case '?:':
      return ternary(node.args as [AstNode, AstNode, AstNode]);
    case '&&':
    case '||':
      return logic(node.op, node.args as [AstNode, AstNode]);
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(node.op, node.args as [AstNode, AstNode]);
    default:
      return undefined;
  }
}

function constant(value: unknown): FastPath | undefined {
  const primitive = value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint';
  return primitive ? () => value : undefined;
}

function select([target, field]: [AstNode, string]): FastPath | undefined {
  const object = compileFastPath(target);
  if (object === undefined) return undefined;
  return (self) => {
    const value = object(self);
    if (typeof value !== 'object' || value === null) return UNDECIDED;
    const prototype: unknown = Object.getPrototypeOf(value);
    if ((prototype !== Object.prototype && prototype !== null) || !Object.hasOwn(value, field)) return UNDECIDED;
    const item = (value as Record<string, unknown>)[field];
    return item === undefined ? UNDECIDED : item;
  };
}

function ternary([test, then, otherwise]: [AstNode, AstNode, AstNode]): FastPath | undefined {
  const condition = compileFastPath(test);
  const yes = compileFastPath(then);
  const no = compileFastPath(otherwise);
  if (condition === undefined || yes === undefined || no === undefined) return undefined;
  return (self) => {
    const value = condition(self);
    if (typeof value !== 'boolean') return UNDECIDED;
    return value ? yes(self) : no(self);
  };
}

function logic(op: '&&' | '||', [left, right]: [AstNode, AstNode]): FastPath | undefined {
  const first = compileFastPath(left);
  const second = compileFastPath(right);
  if (first === undefined || second === undefined) return undefined;
  // `||` is decided by a true side, `&&` by a false one; anything but a boolean is the library's.
  const decisive = op === '||';
  return (self) => {
    const a = first(self);
    if (a === decisive) return decisive;
    if (typeof a !== 'boolean') return UNDECIDED;
    const b = second(self);
    return typeof b === 'boolean' ? b : UNDECIDED;
  };
}

function comparison(op: string, [left, right]: [AstNode, AstNode]): FastPath | undefined {
  const first = operand(left);
  const second = operand(right);
  if (first === undefined || second === undefined) return undefined;
  if (op === '==' || op === '!=') {
    const negate = op === '!=';
    return (self) => {
      const equal = equals(first(self), second(self));
      return typeof equal === 'boolean' ? equal !== negate : UNDECIDED;
    };
  }
  return (self) => {
    const a = first(self);
    const b = second(self);
    if ((typeof a !== 'number' && typeof a !== 'bigint') || (typeof b !== 'number' && typeof b !== 'bigint')) return UNDECIDED;
    // JS compares a number with a bigint by exact value, as CEL compares a double with an int.
    switch (op) {
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  };
}

/**
 * A side of a comparison. An int literal within ±(2^53 − 1) compares as the double of the same
 * value (CEL compares numbers by value, `1 == 1.0`), so `self.type == 1` on a JSON number
 * compares two doubles.
 */
function operand(node: AstNode): FastPath | undefined {
  const value = node.op === 'value' ? node.args : undefined;
  if (typeof value === 'bigint' && value <= MAX_SAFE && value >= MIN_SAFE) {
    const number = Number(value);
    return () => number;
  }
  return compileFastPath(node);
}

/** CEL equality of two primitives (null, bool, string, number, int); UNDECIDED for anything else. */
function equals(a: unknown, b: unknown): boolean | typeof UNDECIDED {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (!isPrimitive(a) || !isPrimitive(b)) return UNDECIDED;
  if (typeof a === 'number' && typeof b === 'bigint') return numberEqualsInt(a, b);
  if (typeof a === 'bigint' && typeof b === 'number') return numberEqualsInt(b, a);
  return a === b;
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint';
}

function numberEqualsInt(number: number, int: bigint): boolean {
  // A double equal to a safe integer is exactly it; beyond, compare as ints (exact).
  if (int <= MAX_SAFE && int >= MIN_SAFE) return number === Number(int);
  return Number.isInteger(number) && BigInt(number) === int;
}

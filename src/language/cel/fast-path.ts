import { OPERAND_UNIT, operandCost, sizeOf } from './cost-guard.ts';
import { bail, generateSource, HELPERS, type SourceContext } from './fast-path-source.ts';

/** What a fast path gives for a payload outside what it answers: the library evaluates then. */
export const UNDECIDED: unique symbol = Symbol('weft.cel.undecided');

/**
 * What one evaluation of a fast path carries: the values of the macros' variables (by depth)
 * and the cost spent, charged as the library's CostGuard charges (see `charged`).
 */
export interface FastScope {
  readonly vars: unknown[];
  spent: number;
  readonly limit: number;
}

/** One compiled step: a value, or UNDECIDED. */
export type FastPath = (self: unknown, scope: FastScope) => unknown;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** The parts of the library's AST nodes the fast path reads. */
interface AstNode {
  readonly op: string;
  readonly args: unknown;
}

/** The type names `type(x) == NAME` compares with, and how a payload value is known to be of one. */
const TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  map: (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && isPlainObject(value),
  list: Array.isArray,
  string: (value) => typeof value === 'string',
  double: (value) => typeof value === 'number',
  int: (value) => typeof value === 'bigint',
  bool: (value) => typeof value === 'boolean',
  null_type: (value) => value === null,
};

/**
 * Compiles the commonest shapes of expressions into plain JS, evaluated without the library:
 * `self`, field selects (`self.body.name`), literals, `==`/`!=` of primitives, numeric `<`
 * `<=` `>` `>=`, `&&`, `||`, `!` and `?:`; and, for expressions over a batch (an array of
 * records), the `filter` and `map` macros (two arguments) with their variables, `has(x.f)`,
 * `type(x) == map` (and `!=`; map, list, string, double, int, bool, null_type) and list and
 * map literals (string keys, no key twice). Anything else gives undefined (no fast path). The
 * compiled function answers only where the library's answer is certain: field selects on plain
 * objects with the field present, comparisons of primitives (numbers and ints compare by value,
 * `1.0 == 1`; values of different kinds are not equal), booleans for the logic operators and
 * the filter predicate, `has` on plain objects, `type` of JSON values. Any other payload gives
 * UNDECIDED and the library decides (and reports its error), so results and errors are the
 * library's; a true left side of `||` (false of `&&`) decides the whole, as in CEL. Macros
 * charge `limit` as the library's CostGuard does (the size of what they range over, and the
 * operands of comparisons, `type` and `has` in their bodies); over it, UNDECIDED, and the
 * library reports ERR_CEL_COST_LIMIT. No payload conversion is needed: the fast path never
 * reads a `constructor` key it was not asked for. A selected field that is an accessor is read
 * (the library reads it too).
 */
export function compileFastPath(node: AstNode): FastPath | undefined {
  const context: SourceContext = { constants: [], fields: [] };
  const source = generateSource(node, context, TYPE_NAMES);
  if (source === undefined) return undefined;
  // Generated from the AST alone: no text of the expression or of a payload is in the source (fast-path-source.ts).
  const make = new Function(...HELPERS, 'K', 'F', `return (self, scope) => {\n${source}\n};`) as (...args: unknown[]) => (self: unknown, scope: FastScope) => unknown;
  const run = make(...HELPERS.map((name) => helpers[name]), context.constants, context.fields);
  return (self, scope) => {
    try {
      return run(self, scope);
    } catch (thrown) {
      if (thrown === bail) return UNDECIDED;
      throw thrown;
    }
  };
}

const TYPE_NAMES: ReadonlySet<string> = new Set(Object.keys(TYPES));

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * operandCost, with the keys of a plain object counted without allocating: inherited enumerable
 * keys count too, so the charge is never below the library's.
 */
function costOf(value: object | string): number {
  if (typeof value === 'object' && !Array.isArray(value) && isPlainObject(value)) {
    let count = 0;
    for (const _key in value) count++;
    return Math.floor(count / OPERAND_UNIT);
  }
  return operandCost(value);
}

/** The helpers of the generated code: each gives the library's certain answer or throws `bail`. */
const helpers: Readonly<Record<(typeof HELPERS)[number], unknown>> = {
  /** A field of a plain object that holds it (an accessor is read, as the library reads it). */
  select(value: unknown, field: string): unknown {
    if (typeof value !== 'object' || value === null || !isPlainObject(value) || !Object.hasOwn(value, field)) throw bail;
    const item = (value as Record<string, unknown>)[field];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') throw bail;
    return item;
  },
  /** `has(x.f)` on a plain object; a field present that is not plain data is the library's to judge. */
  has(value: unknown, field: string): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value)) throw bail;
    if (!Object.hasOwn(value, field)) return false;
    if (!isJsonValue((value as Record<string, unknown>)[field])) throw bail;
    return true;
  },
  bool(value: unknown): boolean {
    if (typeof value !== 'boolean') throw bail;
    return value;
  },
  equals(a: unknown, b: unknown): boolean {
    const equal = equals(a, b);
    if (equal === UNDECIDED) throw bail;
    return equal;
  },
  /** Numeric `<` `<=` `>` `>=`: JS compares a number with a bigint by exact value, as CEL compares a double with an int. */
  order(op: string, a: unknown, b: unknown): boolean {
    if ((typeof a !== 'number' && typeof a !== 'bigint') || (typeof b !== 'number' && typeof b !== 'bigint')) throw bail;
    switch (op) {
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  },
  typeIs(value: unknown, name: string): boolean {
    if (!isJsonValue(value)) throw bail;
    return TYPES[name]!(value);
  },
  /** An operand inside a macro's body, charged as CostGuard charges it. */
  charge(value: unknown, scope: FastScope): unknown {
    if (typeof value === 'string' ? value.length >= OPERAND_UNIT : typeof value === 'object' && value !== null) {
      scope.spent += costOf(value as object | string);
      if (scope.spent > scope.limit) throw bail;
    }
    return value;
  },
  /** What a macro ranges over: an array, charged by its length. */
  items(value: unknown, scope: FastScope): unknown[] {
    if (!Array.isArray(value)) throw bail;
    scope.spent += sizeOf(value);
    if (scope.spent > scope.limit) throw bail;
    return value;
  },
  element(value: unknown): unknown {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') throw bail;
    return value;
  },
};

/**
 * A value whose CEL type the fast path knows: a primitive, or arrays and plain objects of such
 * values all the way down (the library converts a value before it types it, and rejects an
 * undefined field or element anywhere in it). Deeper than 64 levels: the library's to judge.
 */
function isJsonValue(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint';
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isJsonValue(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) if (!isJsonValue((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
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

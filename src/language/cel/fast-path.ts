import { OPERAND_UNIT, operandCost, sizeOf } from './cost-guard.ts';

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

/** Where a node is compiled: the macro variables in scope (innermost last); inside a macro's body when non-empty. */
type Names = readonly string[];

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
  return compile(node, []);
}

function compile(node: AstNode, names: Names): FastPath | undefined {
  switch (node.op) {
    case 'id':
      return variable(node.args, names);
    case 'value':
      return constant(node.args);
    case '-_': {
      const operand = node.args as AstNode;
      if (operand.op !== 'value') return undefined;
      const value = operand.args;
      return typeof value === 'bigint' || typeof value === 'number' ? () => -value : undefined;
    }
    case '.':
      return select(node.args as [AstNode, string], names);
    case '!_': {
      const operand = compile(node.args as AstNode, names);
      return operand === undefined ? undefined : (self, scope) => {
        const value = operand(self, scope);
        return typeof value === 'boolean' ? !value : UNDECIDED;
      };
    }
    case '?:':
      return ternary(node.args as [AstNode, AstNode, AstNode], names);
    case '&&':
    case '||':
      return logic(node.op, node.args as [AstNode, AstNode], names);
    case '==':
    case '!=':
      return typeCheck(node.op, node.args as [AstNode, AstNode], names) ?? comparison(node.op, node.args as [AstNode, AstNode], names);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(node.op, node.args as [AstNode, AstNode], names);
    case 'call':
      return has(node.args as [string, AstNode[]], names);
    case 'rcall':
      return macro(node.args as [string, AstNode, AstNode[]], names);
    case 'list':
      return list(node.args as AstNode[], names);
    case 'map':
      return map(node.args as [AstNode, AstNode][], names);
    default:
      return undefined;
  }
}

function variable(name: unknown, names: Names): FastPath | undefined {
  const index = typeof name === 'string' ? names.lastIndexOf(name) : -1;
  if (index !== -1) return (_self, scope) => scope.vars[index];
  return name === 'self' ? (self) => self : undefined;
}

function constant(value: unknown): FastPath | undefined {
  const primitive = value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint';
  return primitive ? () => value : undefined;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `step` that, inside a macro's body, charges the operand cost of its value (as CostGuard charges operands there); UNDECIDED over the limit. */
function charged(step: FastPath, names: Names): FastPath {
  if (names.length === 0) return step;
  return (self, scope) => {
    const value = step(self, scope);
    if (typeof value === 'string' ? value.length >= OPERAND_UNIT : typeof value === 'object' && value !== null) {
      scope.spent += costOf(value as object | string);
      if (scope.spent > scope.limit) return UNDECIDED;
    }
    return value;
  };
}

/** operandCost, with the keys of a plain object counted by Object.keys (the same count, without a walk). */
function costOf(value: object | string): number {
  if (typeof value === 'object' && !Array.isArray(value) && isPlainObject(value)) return Math.floor(Object.keys(value).length / OPERAND_UNIT);
  return operandCost(value);
}

function select([target, field]: [AstNode, string], names: Names): FastPath | undefined {
  const object = compile(target, names);
  if (object === undefined) return undefined;
  return (self, scope) => {
    const value = object(self, scope);
    if (typeof value !== 'object' || value === null) return UNDECIDED;
    if (!isPlainObject(value) || !Object.hasOwn(value, field)) return UNDECIDED;
    const item = (value as Record<string, unknown>)[field];
    return item === undefined || typeof item === 'function' || typeof item === 'symbol' ? UNDECIDED : item;
  };
}

/** `has(x.f)` on a plain object: whether it holds f. */
function has([name, args]: [string, AstNode[]], names: Names): FastPath | undefined {
  if (name !== 'has' || args.length !== 1 || args[0]!.op !== '.') return undefined;
  const [target, field] = args[0]!.args as [AstNode, string];
  // `has` is a macro: the library charges nothing for it.
  const object = compile(target, names);
  if (object === undefined) return undefined;
  return (self, scope) => {
    const value = object(self, scope);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value)) return UNDECIDED;
    if (!Object.hasOwn(value, field)) return false;
    // A field present that is not plain data (undefined, a function…) is the library's to judge.
    return isJsonValue((value as Record<string, unknown>)[field]) ? true : UNDECIDED;
  };
}

/** `type(x) == NAME` or `NAME == type(x)` (and `!=`) for the names of TYPES, when NAME is no macro variable. */
function typeCheck(op: '==' | '!=', [left, right]: [AstNode, AstNode], names: Names): FastPath | undefined {
  const isType = (node: AstNode): boolean => node.op === 'call' && (node.args as [string, AstNode[]])[0] === 'type' && (node.args as [string, AstNode[]])[1].length === 1;
  const isName = (node: AstNode): boolean => node.op === 'id' && typeof node.args === 'string' && Object.hasOwn(TYPES, node.args) && !names.includes(node.args);
  const [call, name] = isType(left) && isName(right) ? [left, right] : isType(right) && isName(left) ? [right, left] : [undefined, undefined];
  if (call === undefined || name === undefined) return undefined;
  const compiled = compile((call.args as [string, AstNode[]])[1][0]!, names);
  if (compiled === undefined) return undefined;
  const operand = charged(compiled, names);
  const test = TYPES[name.args as string]!;
  const negate = op === '!=';
  return (self, scope) => {
    const value = operand(self, scope);
    if (!isJsonValue(value)) return UNDECIDED;
    return test(value) !== negate;
  };
}

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

/** `list.filter(x, predicate)` and `list.map(x, expression)` over an array. */
function macro([name, target, args]: [string, AstNode, AstNode[]], names: Names): FastPath | undefined {
  if ((name !== 'filter' && name !== 'map') || args.length !== 2 || args[0]!.op !== 'id' || typeof args[0]!.args !== 'string') return undefined;
  const iterable = compile(target, names);
  const inner = [...names, args[0]!.args];
  const body = compile(args[1]!, inner);
  if (iterable === undefined || body === undefined) return undefined;
  const depth = names.length;
  const filter = name === 'filter';
  return (self, scope) => {
    const items = iterable(self, scope);
    if (!Array.isArray(items)) return UNDECIDED;
    scope.spent += sizeOf(items);
    if (scope.spent > scope.limit) return UNDECIDED;
    const out: unknown[] = [];
    const vars = scope.vars;
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') return UNDECIDED;
      vars[depth] = item;
      const value = body(self, scope);
      if (filter) {
        if (typeof value !== 'boolean') return UNDECIDED;
        if (value) out.push(item);
      } else {
        if (value === UNDECIDED) return UNDECIDED;
        out.push(value);
      }
    }
    return out;
  };
}

function list(items: AstNode[], names: Names): FastPath | undefined {
  const steps = items.map((item) => compile(item, names));
  if (steps.some((step) => step === undefined)) return undefined;
  const compiled = steps as FastPath[];
  return (self, scope) => {
    const out: unknown[] = [];
    for (const step of compiled) {
      const value = step(self, scope);
      if (value === UNDECIDED) return UNDECIDED;
      out.push(value);
    }
    return out;
  };
}

/** A map literal with string literal keys, none twice (`__proto__` and `constructor` left to the library). */
function map(entries: [AstNode, AstNode][], names: Names): FastPath | undefined {
  const keys: string[] = [];
  const steps: FastPath[] = [];
  for (const [key, value] of entries) {
    if (key.op !== 'value' || typeof key.args !== 'string' || keys.includes(key.args) || key.args === '__proto__' || key.args === 'constructor') return undefined;
    const step = compile(value, names);
    if (step === undefined) return undefined;
    keys.push(key.args);
    steps.push(step);
  }
  return (self, scope) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = steps[i]!(self, scope);
      if (value === UNDECIDED) return UNDECIDED;
      out[keys[i]!] = value;
    }
    return out;
  };
}

function ternary([test, then, otherwise]: [AstNode, AstNode, AstNode], names: Names): FastPath | undefined {
  const condition = compile(test, names);
  const yes = compile(then, names);
  const no = compile(otherwise, names);
  if (condition === undefined || yes === undefined || no === undefined) return undefined;
  return (self, scope) => {
    const value = condition(self, scope);
    if (typeof value !== 'boolean') return UNDECIDED;
    return value ? yes(self, scope) : no(self, scope);
  };
}

function logic(op: '&&' | '||', [left, right]: [AstNode, AstNode], names: Names): FastPath | undefined {
  const first = compile(left, names);
  const second = compile(right, names);
  if (first === undefined || second === undefined) return undefined;
  // `||` is decided by a true side, `&&` by a false one; anything but a boolean is the library's.
  const decisive = op === '||';
  return (self, scope) => {
    const a = first(self, scope);
    if (a === decisive) return decisive;
    if (typeof a !== 'boolean') return UNDECIDED;
    const b = second(self, scope);
    return typeof b === 'boolean' ? b : UNDECIDED;
  };
}

function comparison(op: string, [left, right]: [AstNode, AstNode], names: Names): FastPath | undefined {
  const first = operand(left, names);
  const second = operand(right, names);
  if (first === undefined || second === undefined) return undefined;
  if (op === '==' || op === '!=') {
    const negate = op === '!=';
    return (self, scope) => {
      const equal = equals(first(self, scope), second(self, scope));
      return typeof equal === 'boolean' ? equal !== negate : UNDECIDED;
    };
  }
  return (self, scope) => {
    const a = first(self, scope);
    const b = second(self, scope);
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
function operand(node: AstNode, names: Names): FastPath | undefined {
  const value = node.op === 'value' ? node.args : undefined;
  if (typeof value === 'bigint' && value <= MAX_SAFE && value >= MIN_SAFE) {
    const number = Number(value);
    return () => number;
  }
  const step = compile(node, names);
  return step === undefined ? undefined : charged(step, names);
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

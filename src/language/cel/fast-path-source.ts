/**
 * The fast path of fast-path.ts as one generated JS function: one closure per AST node costs a
 * megamorphic call per node and element, where one function per expression is optimised by V8
 * as a whole (its helpers are inlined). The generated text holds no text of the expression but
 * the keys of map literals that are plain identifiers (letters, digits, underscores: an object
 * of fixed shape); literals and other names are read from arrays by index and variables are
 * named by their depth, so neither code nor a payload can reach `new Function` as source.
 * `bail` (thrown by the helpers) means UNDECIDED: the caller gives the expression to the library.
 */

/** The parts of the library's AST nodes read here. */
export interface SourceNode {
  readonly op: string;
  readonly args: unknown;
}

/** Keys written into the source as they are: nothing but letters, digits and underscores. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Thrown by the generated code and its helpers for UNDECIDED. */
export const bail = new Error('weft.cel.fast-path.undecided');

/** What the generated function gets besides `self`: helpers, constants, field names. */
export interface SourceContext {
  readonly constants: unknown[];
  readonly fields: string[];
}

/** The helpers the generated code calls (fast-path.ts implements them). */
export const HELPERS = ['select', 'has', 'bool', 'equals', 'order', 'typeIs', 'charge', 'items', 'element'] as const;

/**
 * The source of a function body over `self` and `scope` (and HELPERS, `K` = context.constants,
 * `F` = context.fields), or undefined for a shape the fast path does not know. Inside, `names`
 * are the macro variables in scope (innermost last), named `v0`, `v1`… by depth.
 */
export function generateSource(root: SourceNode, context: SourceContext, typeNames: ReadonlySet<string>): string | undefined {
  let temps = 0;
  const constant = (value: unknown): string => `K[${context.constants.push(value) - 1}]`;
  const field = (name: string): string => `F[${context.fields.push(name) - 1}]`;
  const temp = (): string => `t${temps++}`;

  const gen = (node: SourceNode, names: readonly string[]): string | undefined => {
    switch (node.op) {
      case 'id': {
        const index = typeof node.args === 'string' ? names.lastIndexOf(node.args) : -1;
        if (index !== -1) return `v${index}`;
        return node.args === 'self' ? 'self' : undefined;
      }
      case 'value': {
        const value = node.args;
        const primitive = value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint';
        return primitive ? constant(value) : undefined;
      }
      case '-_': {
        const operand = node.args as SourceNode;
        if (operand.op !== 'value' || (typeof operand.args !== 'bigint' && typeof operand.args !== 'number')) return undefined;
        return constant(-(operand.args as number));
      }
      case '.': {
        const [target, name] = node.args as [SourceNode, string];
        const object = gen(target, names);
        return object === undefined ? undefined : `select(${object}, ${field(name)})`;
      }
      case '!_': {
        const operand = gen(node.args as SourceNode, names);
        return operand === undefined ? undefined : `!bool(${operand})`;
      }
      case '?:': {
        const [test, then, otherwise] = (node.args as SourceNode[]).map((item) => gen(item, names));
        if (test === undefined || then === undefined || otherwise === undefined) return undefined;
        return `(bool(${test}) ? ${then} : ${otherwise})`;
      }
      case '&&':
      case '||': {
        const [left, right] = (node.args as SourceNode[]).map((item) => gen(item, names));
        if (left === undefined || right === undefined) return undefined;
        // A decisive left side decides; else both must be booleans.
        const t = temp();
        const decisive = node.op === '||' ? 'true' : 'false';
        return `((${t} = ${left}) === ${decisive} ? ${decisive} : (bool(${t}), bool(${right})))`;
      }
      case '==':
      case '!=':
        return typeCheck(node, names) ?? comparison(node, names);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return comparison(node, names);
      case 'call':
        return has(node.args as [string, SourceNode[]], names);
      case 'rcall':
        return macro(node.args as [string, SourceNode, SourceNode[]], names);
      case 'list': {
        const items = (node.args as SourceNode[]).map((item) => gen(item, names));
        return items.some((item) => item === undefined) ? undefined : `[${items.join(', ')}]`;
      }
      case 'map': {
        const keys: string[] = [];
        const parts: string[] = [];
        for (const [key, value] of node.args as [SourceNode, SourceNode][]) {
          if (key.op !== 'value' || typeof key.args !== 'string' || keys.includes(key.args) || key.args === '__proto__' || key.args === 'constructor') return undefined;
          const item = gen(value, names);
          if (item === undefined) return undefined;
          keys.push(key.args);
          // An identifier-like key is written as it is (an object literal of fixed shape is fast
          // to build and to read downstream); any other key is read from `F` (a computed key).
          parts.push(`${IDENTIFIER.test(key.args) ? key.args : `[${field(key.args)}]`}: ${item}`);
        }
        return `({${parts.join(', ')}})`;
      }
      default:
        return undefined;
    }
  };

  /** An operand: inside a macro's body it is charged as CostGuard charges operands; a safe int literal compares as a double. */
  const operand = (node: SourceNode, names: readonly string[]): string | undefined => {
    if (node.op === 'value' && typeof node.args === 'bigint' && node.args <= BigInt(Number.MAX_SAFE_INTEGER) && node.args >= BigInt(Number.MIN_SAFE_INTEGER)) return constant(Number(node.args));
    const text = gen(node, names);
    if (text === undefined) return undefined;
    return names.length === 0 ? text : `charge(${text}, scope)`;
  };

  const comparison = (node: SourceNode, names: readonly string[]): string | undefined => {
    const [left, right] = (node.args as SourceNode[]).map((item) => operand(item, names));
    if (left === undefined || right === undefined) return undefined;
    if (node.op === '==') return `equals(${left}, ${right})`;
    if (node.op === '!=') return `!equals(${left}, ${right})`;
    return `order(${constant(node.op)}, ${left}, ${right})`;
  };

  const typeCheck = (node: SourceNode, names: readonly string[]): string | undefined => {
    const [left, right] = node.args as [SourceNode, SourceNode];
    const isType = (item: SourceNode): boolean => item.op === 'call' && (item.args as [string, SourceNode[]])[0] === 'type' && (item.args as [string, SourceNode[]])[1].length === 1;
    const isName = (item: SourceNode): boolean => item.op === 'id' && typeof item.args === 'string' && typeNames.has(item.args) && !names.includes(item.args);
    const [call, name] = isType(left) && isName(right) ? [left, right] : isType(right) && isName(left) ? [right, left] : [undefined, undefined];
    if (call === undefined || name === undefined) return undefined;
    const value = operand((call.args as [string, SourceNode[]])[1][0]!, names);
    if (value === undefined) return undefined;
    return `${node.op === '!=' ? '!' : ''}typeIs(${value}, ${constant(name.args)})`;
  };

  const has = ([name, args]: [string, SourceNode[]], names: readonly string[]): string | undefined => {
    if (name !== 'has' || args.length !== 1 || args[0]!.op !== '.') return undefined;
    const [target, key] = args[0]!.args as [SourceNode, string];
    const object = gen(target, names);
    return object === undefined ? undefined : `has(${object}, ${field(key)})`;
  };

  const macro = ([name, target, args]: [string, SourceNode, SourceNode[]], names: readonly string[]): string | undefined => {
    if ((name !== 'filter' && name !== 'map') || args.length !== 2 || args[0]!.op !== 'id' || typeof args[0]!.args !== 'string') return undefined;
    const iterable = gen(target, names);
    const variable = `v${names.length}`;
    const body = gen(args[1]!, [...names, args[0]!.args]);
    if (iterable === undefined || body === undefined) return undefined;
    const list = temp();
    const out = temp();
    const index = temp();
    const step = name === 'filter'
      ? `if (bool(${body})) ${out}.push(${variable});`
      : `${out}.push(${body});`;
    // An arrow called at once: V8 inlines it; its loop variable is the macro's.
    return `(() => { const ${list} = items(${iterable}, scope); const ${out} = []; for (let ${index} = 0; ${index} < ${list}.length; ${index}++) { const ${variable} = element(${list}[${index}]); ${step} } return ${out}; })()`;
  };

  const body = gen(root, []);
  if (body === undefined) return undefined;
  const declarations = temps === 0 ? '' : `let ${Array.from({ length: temps }, (_, index) => `t${index}`).join(', ')};\n`;
  return `${declarations}return ${body};`;
}

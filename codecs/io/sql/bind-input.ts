import { WeftError } from '../../../src/index.ts';
import { valueType } from '../../_shared/value-type.ts';
import { parseStatement, type Dialect } from './placeholders.ts';

/** One statement to run with its values, in the driver's positional order. */
export interface BoundStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Turns a `sql` node's input into the statements to run (uniflow §9.5): `"SQL"`; `["SQL",
 * [values…]]` for `?` parameters; `["SQL", {name: value}]` for `:name` parameters; or
 * `["SQL", [{…}, {…}]]` to run a named statement once per map. ERR_SQL_INPUT when the shape or
 * the number of values does not match the statement.
 */
export function bindInput(input: unknown, dialect: Dialect): BoundStatement[] {
  const [sql, args] = splitInput(input);
  const parsed = parseStatement(sql, dialect);
  if (parsed.positional > 0 && parsed.names.length > 0) throw inputError('the statement mixes ? and :name parameters; use one kind');
  if (args === undefined) {
    if (parsed.positional > 0 || parsed.names.length > 0) throw inputError('the statement has parameters but no values were given: send ["SQL", values]');
    return [{ text: parsed.text, values: [] }];
  }
  if (parsed.names.length > 0) {
    const maps = Array.isArray(args) ? args : [args];
    if (maps.length === 0 || !maps.every(isMap)) throw inputError('a statement with :name parameters takes a map of values (or a list of maps)');
    return maps.map((values) => ({ text: parsed.text, values: parsed.names.map((name) => namedValue(values, name)) }));
  }
  if (!Array.isArray(args)) throw inputError(`a statement with ? parameters takes a list of values, got ${valueType(args)}`);
  const expected = parsed.native ? args.length : parsed.positional;
  if (args.length !== expected) throw inputError(`the statement has ${expected} ? parameter(s), got ${args.length} value(s)`);
  return [{ text: parsed.text, values: args }];
}

function splitInput(input: unknown): [string, unknown] {
  if (typeof input === 'string') return [input, undefined];
  if (Array.isArray(input) && typeof input[0] === 'string' && input.length <= 2) return [input[0], input[1]];
  throw inputError(`send "SQL" or ["SQL", values], got ${valueType(input)}`);
}

function namedValue(values: Readonly<Record<string, unknown>>, name: string): unknown {
  if (!Object.hasOwn(values, name)) throw inputError(`no value for :${name}`);
  return values[name];
}

function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function inputError(reason: string): WeftError {
  return new WeftError('ERR_SQL_INPUT', { reason });
}

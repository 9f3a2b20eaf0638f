/** The SQL dialects whose quoting rules the placeholder scan knows. */
export type Dialect = 'postgres' | 'mysql' | 'sqlite';

/** A statement with its parameters found: `?` in order, or `:name` in order of use. */
export interface ParsedStatement {
  /** The text with every `?` and `:name` replaced by the driver's marker (`$1…` or `?`). */
  readonly text: string;
  /** How many `?` placeholders there are. */
  readonly positional: number;
  /** The `:name` placeholders in order of use (a name used twice is listed twice). */
  readonly names: readonly string[];
  /** True when the text already uses PostgreSQL's own `$1` markers (left as they are). */
  readonly native: boolean;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
const DOLLAR_NUMBER = /\$\d+/y;

/**
 * Finds the parameters of a statement outside string literals, quoted identifiers, comments and
 * (PostgreSQL) dollar-quoted strings and `::` casts, and rewrites them as the driver binds
 * them: `$1, $2…` for PostgreSQL, `?` for MySQL and SQLite. Values are always bound by the
 * driver; this never puts a value into the text.
 */
export function parseStatement(sql: string, dialect: Dialect): ParsedStatement {
  let text = '';
  let positional = 0;
  const names: string[] = [];
  let native = false;
  let i = 0;
  const marker = (): string => (dialect === 'postgres' ? `$${positional + names.length}` : '?');
  while (i < sql.length) {
    const char = sql[i]!;
    const next = sql[i + 1];
    const skip = skipQuoted(sql, i, dialect);
    if (skip > i) {
      text += sql.slice(i, skip);
      i = skip;
    } else if (char === '?') {
      positional++;
      text += marker();
      i++;
    } else if (char === ':' && next === ':') {
      text += '::';
      i += 2;
    } else if (char === ':' && next !== undefined && /[A-Za-z_]/.test(next)) {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(sql)![0];
      names.push(name);
      text += marker();
      i += 1 + name.length;
    } else if (char === '$' && dialect === 'postgres' && matchAt(DOLLAR_NUMBER, sql, i) !== undefined) {
      native = true;
      const found = matchAt(DOLLAR_NUMBER, sql, i)!;
      text += found;
      i += found.length;
    } else {
      text += char;
      i++;
    }
  }
  return { text, positional, names, native };
}

/** The index just past a literal, quoted identifier or comment starting at `i`, else `i`. */
function skipQuoted(sql: string, i: number, dialect: Dialect): number {
  const char = sql[i]!;
  const next = sql[i + 1];
  if (char === '\'' || char === '"' || (char === '`' && dialect !== 'postgres')) return endOfQuote(sql, i, char, dialect === 'mysql');
  if (char === '-' && next === '-') return endOfLine(sql, i);
  if (char === '#' && dialect === 'mysql') return endOfLine(sql, i);
  if (char === '/' && next === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  if (char === '$' && dialect === 'postgres') {
    const tag = matchAt(DOLLAR_TAG, sql, i);
    if (tag !== undefined) {
      const end = sql.indexOf(tag, i + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  return i;
}

function endOfQuote(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i]!;
    if (backslashEscapes && char === '\\') i += 2;
    else if (char === quote && sql[i + 1] === quote) i += 2;
    else if (char === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

function endOfLine(sql: string, i: number): number {
  const end = sql.indexOf('\n', i);
  return end === -1 ? sql.length : end + 1;
}

function matchAt(pattern: RegExp, sql: string, i: number): string | undefined {
  pattern.lastIndex = i;
  return pattern.exec(sql)?.[0];
}

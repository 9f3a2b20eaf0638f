import { WeftError } from '../../../src/index.ts';
import type { Dialect } from './placeholders.ts';

type Code = 'ERR_SQL_QUERY' | 'ERR_SQL_CONSTRAINT' | 'ERR_SQL_CONFLICT' | 'ERR_SQL_UNAVAILABLE';

const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_CON_COUNT_ERROR', 'ER_DBACCESS_DENIED_ERROR',
]);
const MYSQL_CONSTRAINT = /^ER_(DUP_ENTRY|NO_REFERENCED_ROW|ROW_IS_REFERENCED|BAD_NULL_ERROR|CHECK_CONSTRAINT_VIOLATED|CONSTRAINT_FAILED)/;
const MYSQL_CONFLICT: ReadonlySet<string> = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * The coded error for a driver failure: constraint violations (SQLSTATE 23…, SQLite
 * CONSTRAINT) are ERR_SQL_CONSTRAINT, serialization failures and deadlocks ERR_SQL_CONFLICT,
 * connection problems ERR_SQL_UNAVAILABLE, anything else (syntax, unknown table, types)
 * ERR_SQL_QUERY. WeftErrors pass through.
 */
export function sqlError(thrown: unknown, dialect: Dialect): WeftError {
  if (thrown instanceof WeftError) return thrown;
  const reason = thrown instanceof Error ? thrown.message || String((thrown as { code?: unknown }).code) : String(thrown);
  return new WeftError(classify(thrown, dialect), { driver: dialect, reason }, { cause: thrown });
}

function classify(thrown: unknown, dialect: Dialect): Code {
  const error = (thrown ?? {}) as { code?: unknown; errcode?: unknown; sqlState?: unknown };
  const code = typeof error.code === 'string' ? error.code : '';
  if (UNAVAILABLE_CODES.has(code) || thrown instanceof AggregateError) return 'ERR_SQL_UNAVAILABLE';
  if (dialect === 'sqlite') return sqliteCode(typeof error.errcode === 'number' ? error.errcode : -1);
  if (dialect === 'mysql') {
    if (MYSQL_CONSTRAINT.test(code) || error.sqlState === '23000') return 'ERR_SQL_CONSTRAINT';
    return MYSQL_CONFLICT.has(code) ? 'ERR_SQL_CONFLICT' : 'ERR_SQL_QUERY';
  }
  if (code.startsWith('23')) return 'ERR_SQL_CONSTRAINT';
  if (code === '40001' || code === '40P01') return 'ERR_SQL_CONFLICT';
  if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('53') || code === '28P01' || code === '3D000') return 'ERR_SQL_UNAVAILABLE';
  return code === '' && /connect|terminat|timeout/i.test(String((thrown as Error)?.message)) ? 'ERR_SQL_UNAVAILABLE' : 'ERR_SQL_QUERY';
}

function sqliteCode(errcode: number): Code {
  const primary = errcode & 0xff;
  if (primary === 19) return 'ERR_SQL_CONSTRAINT';
  if (primary === 5 || primary === 6) return 'ERR_SQL_CONFLICT';
  if (primary === 14 || primary === 26 || primary === 8) return 'ERR_SQL_UNAVAILABLE';
  return 'ERR_SQL_QUERY';
}

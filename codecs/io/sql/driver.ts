import type { Logger } from '../../../src/index.ts';
import type { Dialect } from './placeholders.ts';

/** A row of a result: column name → value (plain payload values, see `plainRow`). */
export type Row = Record<string, unknown>;

/** uniflow's isolation levels (Go's sql.IsolationLevel): 0 the database default … 6 serializable. */
export type Isolation = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The SQL of each level a database can set; levels it lacks are refused when the spec loads. */
export const ISOLATION_SQL: Readonly<Record<number, string>> = {
  1: 'READ UNCOMMITTED',
  2: 'READ COMMITTED',
  4: 'REPEATABLE READ',
  6: 'SERIALIZABLE',
};

/** One open transaction on one connection, held by one process until it ends. */
export interface Transaction {
  /** Runs one statement with bound values; resolves to its rows (none for statements without). */
  query(text: string, values: readonly unknown[]): Promise<Row[]>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Gives the connection back (`broken`: it failed, drop it). Called once, after commit or rollback. */
  release(broken: boolean): void;
}

/** A database behind a `sql` node: a pool of connections that begins transactions. */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** Takes a connection and begins a transaction at `isolation` (0: the database's default). */
  begin(isolation: Isolation, signal: AbortSignal): Promise<Transaction>;
  /** Closes the pool (idempotent). */
  close(): Promise<void>;
}

/** What a driver is made from: the spec's source, pool size and the node's logger. */
export interface DriverOptions {
  readonly source: string;
  readonly connections: number;
  readonly logger: Logger;
  /** Where relative SQLite paths start (the engine's working directory). */
  readonly cwd?: string;
}

/** Turns a driver's row into a plain payload map: dates as ISO strings, Buffers as Uint8Array. */
export function plainRow(row: Readonly<Record<string, unknown>>): Row {
  const plain: Row = {};
  for (const [column, value] of Object.entries(row)) {
    Object.defineProperty(plain, column, { value: plainValue(value), enumerable: true, writable: true, configurable: true });
  }
  return plain;
}

function plainValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/** A value as SQLite and MySQL bind it: maps and lists as JSON text, booleans as 1/0 for SQLite. */
export function bindableValue(value: unknown, dialect: Dialect): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean' && dialect === 'sqlite') return value ? 1 : 0;
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value;
}

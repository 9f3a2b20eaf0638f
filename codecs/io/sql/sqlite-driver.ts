import { isAbsolute, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Slots } from '../../_shared/slots.ts';
import { bindableValue, plainRow, type DriverOptions, type Isolation, type Row, type SqlDriver, type Transaction } from './driver.ts';

const STATEMENT_CACHE = 64;

/**
 * SQLite through `node:sqlite`; `source` is a file path (relative to the engine's directory) or
 * `:memory:`. One connection per node, opened on first use; its transactions take turns (one
 * process at a time holds it, until that process ends), which is SQLite's own write model.
 * Waits for the file's lock of another connection up to 5 s.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly #path: string;
  readonly #turn = new Slots(1);
  readonly #statements = new Map<string, StatementSync>();
  #db: DatabaseSync | undefined;
  #closed = false;

  constructor(options: DriverOptions) {
    const source = options.source.replace(/^sqlite:\/\//, '');
    this.#path = source === ':memory:' || source.startsWith('file:') || isAbsolute(source) ? source : resolve(options.cwd ?? '.', source);
  }

  async begin(_isolation: Isolation, signal: AbortSignal): Promise<Transaction> {
    if (!(await this.#turn.acquire(signal))) throw signal.reason;
    let db: DatabaseSync;
    try {
      if (this.#closed) throw new Error('the database is closed');
      db = (this.#db ??= new DatabaseSync(this.#path, { timeout: 5000 }));
      db.exec('BEGIN');
    } catch (thrown) {
      this.#turn.release();
      throw thrown;
    }
    return {
      query: (text, values): Promise<Row[]> => {
        try {
          const rows = this.#prepare(db, text).all(...(values.map((value) => bindableValue(value, 'sqlite')) as never[]));
          return Promise.resolve(rows.map((row) => plainRow(row as Record<string, unknown>)));
        } catch (thrown) {
          return Promise.reject(thrown as Error);
        }
      },
      commit: () => run(() => db.exec('COMMIT')),
      rollback: () => run(() => db.isTransaction && db.exec('ROLLBACK')),
      release: () => this.#turn.release(),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#statements.clear();
    const db = this.#db;
    this.#db = undefined;
    if (db?.isOpen) db.close();
  }

  #prepare(db: DatabaseSync, text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(text, statement);
    }
    return statement;
  }
}

function run(work: () => unknown): Promise<void> {
  try {
    work();
    return Promise.resolve();
  } catch (thrown) {
    return Promise.reject(thrown as Error);
  }
}

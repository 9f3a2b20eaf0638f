import mysql from 'mysql2/promise';
import { bindableValue, ISOLATION_SQL, plainRow, type DriverOptions, type Isolation, type Row, type SqlDriver, type Transaction } from './driver.ts';

/**
 * MySQL and MariaDB through a `mysql2` pool; `source` is a URL (`mysql://user:pass@host/db`).
 * Statements run as server-side prepared statements (`execute`), so values are never part of
 * the SQL text; one statement per call (multiple statements are off).
 */
export class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql' as const;
  readonly #pool: mysql.Pool;
  #closing: Promise<void> | undefined;

  constructor(options: DriverOptions) {
    this.#pool = mysql.createPool({
      uri: options.source,
      connectionLimit: options.connections,
      connectTimeout: 10_000,
      supportBigNumbers: true,
      multipleStatements: false,
    });
  }

  async begin(isolation: Isolation): Promise<Transaction> {
    const connection = await this.#pool.getConnection();
    try {
      if (isolation !== 0) await connection.query(`SET TRANSACTION ISOLATION LEVEL ${ISOLATION_SQL[isolation]}`);
      await connection.query('START TRANSACTION');
    } catch (thrown) {
      connection.destroy();
      throw thrown;
    }
    return {
      query: async (text, values): Promise<Row[]> => {
        const [result] = await connection.execute(text, values.map((value) => bindableValue(value, 'mysql')) as never[]);
        return Array.isArray(result) ? (result as Record<string, unknown>[]).map(plainRow) : [];
      },
      commit: () => connection.commit(),
      rollback: () => connection.rollback(),
      release: (broken) => (broken ? connection.destroy() : connection.release()),
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.end().catch(() => undefined);
    return this.#closing;
  }
}

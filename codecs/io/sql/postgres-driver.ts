import pg from 'pg';
import { ISOLATION_SQL, plainRow, type DriverOptions, type Isolation, type Row, type SqlDriver, type Transaction } from './driver.ts';

const INT8_OID = 20;

/** int8 (count(*), bigserial) as a number when it fits, else a bigint, rather than pg's string. */
function parseInt8(text: string): number | bigint {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : BigInt(text);
}

const types = {
  getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

/** PostgreSQL through a `pg` pool; `source` is a connection URL (`postgres://user@host/db`). */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  #closing: Promise<void> | undefined;

  constructor(options: DriverOptions) {
    this.#pool = new pg.Pool({ connectionString: options.source, max: options.connections, connectionTimeoutMillis: 10_000, types });
    // An idle connection that breaks (the server restarts) must not crash the engine.
    this.#pool.on('error', (error) => options.logger.warn({ err: error }, 'sql connection failed while idle'));
  }

  async begin(isolation: Isolation): Promise<Transaction> {
    const client = await this.#pool.connect();
    try {
      await client.query(isolation === 0 ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[isolation]}`);
    } catch (thrown) {
      client.release(true);
      throw thrown;
    }
    return {
      query: async (text, values): Promise<Row[]> => (await client.query({ text, values: [...values] })).rows.map(plainRow),
      commit: async () => void (await client.query('COMMIT')),
      rollback: async () => void (await client.query('ROLLBACK')),
      release: (broken) => client.release(broken),
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.end().catch(() => undefined);
    return this.#closing;
  }
}

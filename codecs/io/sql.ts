import { Type, type Static } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type Logger, type Problem, type Process } from '../../src/index.ts';
import { bindInput } from './sql/bind-input.ts';
import type { Isolation, SqlDriver } from './sql/driver.ts';
import { LazyDriver } from './sql/lazy-driver.ts';
import { sqlError } from './sql/sql-error.ts';
import { SqliteDriver } from './sql/sqlite-driver.ts';
import { Transactions } from './sql/transactions.ts';

/** The kind name (uniflow HEAD); `rdb` (uniflow 57d) is the same kind. */
export const kind = 'sql';

/** The default size of a node's connection pool. */
export const DEFAULT_CONNECTIONS = 10;

const ISOLATION_NAMES = {
  default: 0, 'read uncommitted': 1, 'read committed': 2, 'write committed': 3,
  'repeatable read': 4, snapshot: 5, serializable: 6, linearizable: 7,
} as const satisfies Record<string, Isolation>;

/** The isolation levels each driver can set (by uniflow number). */
const SUPPORTED: Readonly<Record<string, readonly Isolation[]>> = { postgres: [0, 1, 2, 4, 6], mysql: [0, 1, 2, 4, 6], sqlite: [0, 6] };

/** The sql node's own spec fields. */
export const schema = Type.Object({
  driver: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('sqlite')], { description: 'The database: postgres, mysql (MySQL and MariaDB) or sqlite.' }),
  source: Type.String({ minLength: 1, description: 'Where: a postgres:// or mysql:// URL, or a SQLite file path (or :memory:).' }),
  isolation: Type.Optional(Type.Union([
    Type.Integer({ minimum: 0, maximum: 7 }),
    ...Object.keys(ISOLATION_NAMES).map((name) => Type.Literal(name)),
  ], { description: 'Transaction isolation: uniflow\'s number (0 default, 1 read uncommitted, 2 read committed, 4 repeatable read, 6 serializable) or its name.' })),
  connections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'The most connections the node opens (default 10; SQLite: always one).' })),
});

type SqlSpec = Static<typeof schema>;

/** What a SqlNode needs: a driver and the isolation of its transactions. */
export interface SqlOptions {
  readonly driver: SqlDriver;
  readonly isolation?: Isolation;
  readonly logger: Logger;
}

/**
 * Runs SQL with bound parameters (uniflow §9.5 `rdb`/`sql`): the input is `"SQL"` or
 * `["SQL", values]`, the reply the list of rows as column → value maps (the empty list for
 * statements without rows). Each process gets one transaction, committed when it ends well and
 * rolled back when it ends with an error (see Transactions). One pool per node, closed with it.
 */
export class SqlNode extends OneToOneNode {
  readonly #transactions: Transactions;

  constructor(options: SqlOptions) {
    const transactions = new Transactions(options.driver, options.isolation ?? 0, options.logger);
    super((process, packet) => run(options.driver, transactions, process, packet));
    this.#transactions = transactions;
  }

  override async close(): Promise<void> {
    super.close();
    try {
      await this.#transactions.close();
    } catch {
      // Closing must not throw (Node contract).
    }
  }
}

async function run(driver: SqlDriver, transactions: Transactions, process: Process, packet: Packet): Promise<Packet> {
  const statements = bindInput(packet.payload, driver.dialect);
  if (process.state === 'exited' || process.signal.aborted) {
    return new Packet(new WeftError('ERR_PROCESS_ABORTED', { node: `sql ${driver.dialect}` }, { cause: process.signal.reason }));
  }
  try {
    const transaction = await transactions.of(process);
    const rows = [];
    for (const statement of statements) rows.push(...(await transaction.query(statement.text, statement.values)));
    return new Packet(rows);
  } catch (thrown) {
    return new Packet(sqlError(thrown, driver.dialect));
  }
}

function isolationOf(spec: SqlSpec): Isolation {
  const given = spec.isolation ?? 0;
  return (typeof given === 'number' ? given : ISOLATION_NAMES[given as keyof typeof ISOLATION_NAMES]) as Isolation;
}

function validate(spec: SqlSpec): Problem[] {
  const problems: Problem[] = [];
  if (!SUPPORTED[spec.driver]!.includes(isolationOf(spec))) {
    problems.push({ path: 'isolation', code: 'ERR_SPEC_INVALID', message: `${spec.driver} cannot set isolation ${String(spec.isolation)}; use one of ${SUPPORTED[spec.driver]!.join(', ')}` });
  }
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.exec(spec.source)?.[0]?.toLowerCase();
  if (spec.driver === 'postgres' && url !== 'postgres://' && url !== 'postgresql://') {
    problems.push({ path: 'source', code: 'ERR_SPEC_INVALID', message: 'must be a postgres:// URL' });
  } else if (spec.driver === 'mysql' && url !== 'mysql://' && url !== 'mariadb://') {
    problems.push({ path: 'source', code: 'ERR_SPEC_INVALID', message: 'must be a mysql:// URL' });
  }
  return problems;
}

function createDriver(spec: SqlSpec, logger: Logger): SqlDriver {
  const options = { source: spec.source, connections: spec.connections ?? DEFAULT_CONNECTIONS, logger };
  // pg and mysql2 load with the first transaction (an engine without such specs never loads them).
  if (spec.driver === 'postgres') return new LazyDriver('postgres', async () => new (await import('./sql/postgres-driver.ts')).PostgresDriver(options));
  if (spec.driver === 'mysql') {
    const source = spec.source.replace(/^mariadb:/i, 'mysql:');
    return new LazyDriver('mysql', async () => new (await import('./sql/mysql-driver.ts')).MysqlDriver({ ...options, source }));
  }
  return new SqliteDriver(options);
}

const ports = { in: ['in'], out: ['out', 'error'] };

/** `sql`: relational databases (uniflow §9.5). */
export const definition = defineKind({
  kind,
  description: 'Runs "SQL" or ["SQL", values] with bound parameters in one transaction per process; the reply is the rows.',
  schema,
  ports,
  validate,
  codec: (spec, context) => {
    const logger = context.logger.child({ kind, node: spec.name ?? spec.id });
    return new SqlNode({ driver: createDriver(spec, logger), isolation: isolationOf(spec), logger });
  },
});

/** `rdb`: uniflow 57d's name for `sql`. */
export const rdbDefinition = defineKind({ ...definition, kind: 'rdb', description: 'uniflow 57d\'s name for sql: runs SQL with bound parameters in one transaction per process.' });

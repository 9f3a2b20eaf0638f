import { createHash } from 'node:crypto';

/** The SQL names of one weft store in PostgreSQL, quoted where they go into SQL text. */
export interface PostgresNames {
  /** The schema, unquoted (for catalogue lookups). */
  readonly schemaName: string;
  /** The schema, quoted. */
  readonly schema: string;
  /** The specs table, schema-qualified and quoted. */
  readonly specs: string;
  /** The change log table (`<table>_changes`). */
  readonly changes: string;
  /** The leases table (`<table>_leases`). */
  readonly leases: string;
  /** The values table (`<table>_values`). */
  readonly values: string;
  /** The one-row table of the schema version, log head and pruning point (`<table>_meta`). */
  readonly meta: string;
  /** The trigger function that NOTIFYs after each insert into the change log. */
  readonly notifyFunction: string;
  /** The prefix of constraint, index and trigger names (unqualified, unquoted). */
  readonly prefix: string;
  /** The NOTIFY channel: `weft_` and a hash of schema and table, so stores never hear each other. */
  readonly channel: string;
  /** The `application_name` of the LISTEN connection, as pg_stat_activity shows it. */
  readonly listenerName: string;
}

/** The names of the store whose specs table is `schema.table` (both already validated identifiers). */
export function postgresNames(schema: string, table: string): PostgresNames {
  const quote = (name: string): string => `"${name}"`;
  const qualified = (name: string): string => `${quote(schema)}.${quote(name)}`;
  const channel = `weft_${createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 20)}`;
  return {
    schemaName: schema,
    schema: quote(schema),
    specs: qualified(table),
    changes: qualified(`${table}_changes`),
    meta: qualified(`${table}_meta`),
    leases: qualified(`${table}_leases`),
    values: qualified(`${table}_values`),
    notifyFunction: qualified(`${table}_notify`),
    prefix: table,
    channel,
    listenerName: `weft listen ${channel}`,
  };
}

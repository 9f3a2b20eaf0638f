import type { QueryResult, QueryResultRow } from 'pg';

/** What runs one SQL statement: the pool (any connection) or the client of a transaction. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

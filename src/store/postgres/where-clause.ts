import type { SpecFilter } from '../spec-store.ts';

/** A SQL `WHERE` clause over the specs columns and its parameters ($1, $2, …). */
export interface WhereClause {
  readonly sql: string;
  readonly params: unknown[];
}

/** The WHERE clause selecting what a SpecFilter selects (empty when it selects everything); an empty array selects nothing. */
export function whereClause(filter: SpecFilter = {}): WhereClause {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.namespace !== undefined) {
    params.push(filter.namespace);
    parts.push(`namespace = $${params.length}`);
  }
  for (const column of ['id', 'name', 'kind'] as const) {
    const wanted = filter[column];
    if (wanted === undefined) continue;
    params.push(typeof wanted === 'string' ? [wanted] : [...wanted]);
    parts.push(`${column} = ANY($${params.length}::text[])`);
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

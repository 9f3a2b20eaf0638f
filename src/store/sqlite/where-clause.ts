import type { SpecFilter } from '../spec-store.ts';

/** A SQL `WHERE` clause over the weft_specs columns and its parameters. */
export interface WhereClause {
  readonly sql: string;
  readonly params: string[];
}

/** The WHERE clause selecting what a SpecFilter selects (empty when it selects everything). */
export function whereClause(filter: SpecFilter = {}): WhereClause {
  const parts: string[] = [];
  const params: string[] = [];
  if (filter.namespace !== undefined) {
    parts.push('namespace = ?');
    params.push(filter.namespace);
  }
  for (const column of ['id', 'name', 'kind'] as const) {
    const wanted = filter[column];
    if (wanted === undefined) continue;
    const values = typeof wanted === 'string' ? [wanted] : [...wanted];
    parts.push(values.length === 0 ? '0' : `${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

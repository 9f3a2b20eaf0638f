import { newSpecId } from '../new-spec-id.ts';
import type { PreparedValue } from '../values/prepare-value.ts';
import type { StoredValue, ValueData, ValueFilter } from '../value-store.ts';
import type { PostgresNames } from './postgres-names.ts';
import type { Queryable } from './queryable.ts';

interface ValueRow {
  id: string;
  namespace: string;
  name: string;
  data: string;
  secret: boolean;
  revision: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, namespace, name, data, secret, revision, created_at, updated_at';

/**
 * The SQL of the values table: one row per value, unique by (namespace, name), its data as JSON
 * text (text, not JSONB, so any JSON string survives). Writes run in the caller's transaction.
 */
export class PostgresValues {
  readonly #table: string;

  constructor(options: { names: PostgresNames }) {
    this.#table = options.names.values;
  }

  /** The values matching `filter`, ordered by namespace and name. */
  async find(db: Queryable, filter: ValueFilter = {}): Promise<StoredValue[]> {
    const { sql, params } = where(filter);
    const result = await db.query<ValueRow>(`SELECT ${COLUMNS} FROM ${this.#table} ${sql} ORDER BY namespace, name`, params);
    return result.rows.map(toValue);
  }

  /** Inserts or replaces one value and returns it as stored. */
  async put(db: Queryable, value: PreparedValue): Promise<StoredValue> {
    const result = await db.query<ValueRow>(
      `INSERT INTO ${this.#table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, 1, now(), now())
       ON CONFLICT (namespace, name) DO UPDATE SET data = excluded.data, secret = excluded.secret, revision = ${this.#table}.revision + 1, updated_at = now()
       RETURNING ${COLUMNS}`,
      [newSpecId(), value.namespace, value.name, value.json, value.secret],
    );
    return toValue(result.rows[0]!);
  }

  /** Deletes the values matching `filter` and returns them as they were. */
  async remove(db: Queryable, filter: ValueFilter): Promise<StoredValue[]> {
    const { sql, params } = where(filter);
    const result = await db.query<ValueRow>(`DELETE FROM ${this.#table} ${sql} RETURNING ${COLUMNS}`, params);
    return result.rows.map(toValue).sort((a, b) => (`${a.namespace}\u0000${a.name}` < `${b.namespace}\u0000${b.name}` ? -1 : 1));
  }
}

function where(filter: ValueFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.namespace !== undefined) {
    params.push(filter.namespace);
    parts.push(`namespace = $${params.length}`);
  }
  if (filter.name !== undefined) {
    params.push(typeof filter.name === 'string' ? [filter.name] : [...filter.name]);
    parts.push(`name = ANY($${params.length}::text[])`);
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

function toValue(row: ValueRow): StoredValue {
  return { id: row.id, namespace: row.namespace, name: row.name, data: JSON.parse(row.data) as ValueData, secret: row.secret, revision: row.revision, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { newSpecId } from '../new-spec-id.ts';
import type { PreparedValue } from '../values/prepare-value.ts';
import type { StoredValue, ValueData, ValueFilter } from '../value-store.ts';

interface ValueRow {
  id: string;
  namespace: string;
  name: string;
  data: string;
  secret: number;
  revision: number;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, namespace, name, data, secret, revision, created_at, updated_at';

/**
 * The weft_values table: one row per value, unique by (namespace, name), its data as JSON text
 * (a secret's sealed envelope). Call it inside a transaction; it does not commit.
 */
export class SqliteValues {
  readonly #db: DatabaseSync;
  readonly #put: StatementSync;
  readonly #delete: StatementSync;

  constructor(options: { db: DatabaseSync }) {
    const db = (this.#db = options.db);
    this.#put = db.prepare(`INSERT INTO weft_values (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 1, ?, ?)
      ON CONFLICT (namespace, name) DO UPDATE SET data = excluded.data, secret = excluded.secret, revision = weft_values.revision + 1, updated_at = excluded.updated_at
      RETURNING ${COLUMNS}`);
    this.#delete = db.prepare('DELETE FROM weft_values WHERE id = ?');
  }

  /** The values matching `filter`, ordered by namespace and name. */
  find(filter: ValueFilter = {}): StoredValue[] {
    const parts: string[] = [];
    const params: string[] = [];
    if (filter.namespace !== undefined) {
      parts.push('namespace = ?');
      params.push(filter.namespace);
    }
    if (filter.name !== undefined) {
      const names = typeof filter.name === 'string' ? [filter.name] : [...filter.name];
      parts.push(names.length === 0 ? '0' : `name IN (${names.map(() => '?').join(', ')})`);
      params.push(...names);
    }
    const where = parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`;
    const rows = this.#db.prepare(`SELECT ${COLUMNS} FROM weft_values ${where} ORDER BY namespace, name`).all(...params) as unknown as ValueRow[];
    return rows.map(toValue);
  }

  /** Inserts or replaces one value and returns it as stored. */
  put(value: PreparedValue, now: string): StoredValue {
    return toValue(this.#put.get(newSpecId(), value.namespace, value.name, value.json, value.secret ? 1 : 0, now, now) as unknown as ValueRow);
  }

  /** Removes one value. */
  remove(value: StoredValue): void {
    this.#delete.run(value.id);
  }
}

function toValue(row: ValueRow): StoredValue {
  return { id: row.id, namespace: row.namespace, name: row.name, data: JSON.parse(row.data) as ValueData, secret: row.secret === 1, revision: row.revision, createdAt: row.created_at, updatedAt: row.updated_at };
}

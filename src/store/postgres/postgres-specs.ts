import type { StoredSpec } from '../../spec/index.ts';
import type { PreparedSpec } from '../prepare-spec.ts';
import type { SpecFilter } from '../spec-store.ts';
import type { SpecChange } from '../write-specs.ts';
import type { PostgresNames } from './postgres-names.ts';
import type { Queryable } from './queryable.ts';
import { storedDocument } from './stored-document.ts';
import { whereClause } from './where-clause.ts';

/** The columns of a specs row as jsonb_to_recordset reads them from a JSON array. */
const ROW = 'r(id text, namespace text, name text, kind text, revision integer, spec jsonb)';

/**
 * The SQL of the specs table: one row per spec, its identity in columns (for lookups and the
 * unique (namespace, name) constraint) and the whole stored spec as JSONB. The writing methods
 * run inside the caller's transaction; they do not commit.
 */
export class PostgresSpecs {
  readonly #table: string;

  constructor(options: { names: PostgresNames }) {
    this.#table = options.names.specs;
  }

  /** The specs matching `filter`, in id order. */
  async find(db: Queryable, filter: SpecFilter = {}): Promise<StoredSpec[]> {
    const where = whereClause(filter);
    const result = await db.query<{ spec: StoredSpec }>(`SELECT spec FROM ${this.#table} ${where.sql} ORDER BY id`, where.params);
    return result.rows.map((row) => storedDocument(row.spec));
  }

  /** Every stored spec a write of `specs` may look up: those with one of their ids or (namespace, name) pairs. */
  async lookup(db: Queryable, specs: readonly PreparedSpec[]): Promise<StoredSpec[]> {
    const ids = specs.flatMap((spec) => (spec.id === undefined ? [] : [spec.id]));
    const named = specs.filter((spec) => spec.name !== undefined);
    if (ids.length === 0 && named.length === 0) return [];
    const result = await db.query<{ spec: StoredSpec }>(
      `SELECT spec FROM ${this.#table} WHERE id = ANY($1::text[]) OR (namespace, name) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [ids, named.map((spec) => spec.namespace), named.map((spec) => spec.name)],
    );
    return result.rows.map((row) => storedDocument(row.spec));
  }

  /**
   * Writes the final state of every spec the changes touch: updates first (in one statement,
   * so renames that swap names are fine), then inserts, so an insert may take a name an update
   * of the same call gave up.
   */
  async apply(db: Queryable, changes: readonly SpecChange[]): Promise<void> {
    const finals = new Map<string, { insert: boolean; spec: StoredSpec }>();
    for (const change of changes) {
      const earlier = finals.get(change.spec.id);
      finals.set(change.spec.id, { insert: earlier?.insert ?? change.op === 'insert', spec: change.spec });
    }
    const rows = (insert: boolean): string => JSON.stringify([...finals.values()].filter((entry) => entry.insert === insert).map((entry) => row(entry.spec)));
    const updates = [...finals.values()].some((entry) => !entry.insert);
    const inserts = [...finals.values()].some((entry) => entry.insert);
    if (updates) {
      await db.query(
        `UPDATE ${this.#table} AS s SET name = r.name, kind = r.kind, revision = r.revision, spec = r.spec FROM jsonb_to_recordset($1::jsonb) AS ${ROW} WHERE s.id = r.id`,
        [rows(false)],
      );
    }
    if (inserts) {
      await db.query(`INSERT INTO ${this.#table} (id, namespace, name, kind, revision, spec) SELECT id, namespace, name, kind, revision, spec FROM jsonb_to_recordset($1::jsonb) AS ${ROW}`, [rows(true)]);
    }
  }

  /** Deletes the specs matching `filter` and returns them as they were, in id order. */
  async remove(db: Queryable, filter: SpecFilter): Promise<StoredSpec[]> {
    const where = whereClause(filter);
    const result = await db.query<{ spec: StoredSpec }>(`DELETE FROM ${this.#table} ${where.sql} RETURNING spec`, where.params);
    return result.rows.map((entry) => storedDocument(entry.spec)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function row(spec: StoredSpec): Record<string, unknown> {
  return { id: spec.id, namespace: spec.namespace, name: spec.name ?? null, kind: spec.kind, revision: spec.revision, spec };
}

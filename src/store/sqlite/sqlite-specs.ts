import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoredSpec } from '../../spec/index.ts';
import type { SpecFilter } from '../spec-store.ts';
import type { SpecChange, SpecTable } from '../write-specs.ts';
import { whereClause } from './where-clause.ts';

/**
 * The weft_specs table: one row per spec with its identity columns (for lookups and the unique
 * (namespace, name) index) and the whole stored spec as a JSON document. Call it inside a
 * transaction; it reads and writes, it does not commit.
 */
export class SqliteSpecs {
  readonly #db: DatabaseSync;
  readonly #byId: StatementSync;
  readonly #byName: StatementSync;
  readonly #insert: StatementSync;
  readonly #update: StatementSync;
  readonly #delete: StatementSync;

  constructor(options: { db: DatabaseSync }) {
    const db = (this.#db = options.db);
    this.#byId = db.prepare('SELECT document FROM weft_specs WHERE id = ?');
    this.#byName = db.prepare('SELECT document FROM weft_specs WHERE namespace = ? AND name = ?');
    this.#insert = db.prepare('INSERT INTO weft_specs (id, namespace, name, kind, revision, document) VALUES (?, ?, ?, ?, ?, ?)');
    this.#update = db.prepare('UPDATE weft_specs SET name = ?, kind = ?, revision = ?, document = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM weft_specs WHERE id = ?');
  }

  /** The specs matching `filter`, in id order. */
  find(filter: SpecFilter = {}): StoredSpec[] {
    const where = whereClause(filter);
    const rows = this.#db.prepare(`SELECT document FROM weft_specs ${where.sql} ORDER BY id`).all(...where.params);
    return rows.map((row) => parse(row)!);
  }

  /** Removes one spec. */
  remove(spec: StoredSpec): void {
    this.#delete.run(spec.id);
  }

  /** A SpecTable writing through to the table; `onPut` logs each change in the same transaction. */
  table(onPut: (change: SpecChange) => void): SpecTable {
    return {
      byId: (id) => parse(this.#byId.get(id)),
      byName: (namespace, name) => parse(this.#byName.get(namespace, name)),
      put: (change) => {
        const { spec } = change;
        const document = JSON.stringify(spec);
        if (change.op === 'insert') this.#insert.run(spec.id, spec.namespace, spec.name ?? null, spec.kind, spec.revision, document);
        else this.#update.run(spec.name ?? null, spec.kind, spec.revision, document, spec.id);
        onPut(change);
      },
    };
  }
}

function parse(row: Record<string, unknown> | undefined): StoredSpec | undefined {
  return row === undefined ? undefined : (JSON.parse(row.document as string) as StoredSpec);
}

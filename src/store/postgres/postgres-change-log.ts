import type { StoredSpec } from '../../spec/index.ts';
import type { ChangePage, LoggedChange, LoggedSpecChange } from '../change-feed.ts';
import type { ValueChange } from '../value-store.ts';
import type { ChangeRetention } from '../change-retention.ts';
import type { PostgresNames } from './postgres-names.ts';
import type { Queryable } from './queryable.ts';
import { storedDocument } from './stored-document.ts';

interface PageRow {
  head: string;
  pruned_through: string;
  seq: string | null;
  op: LoggedChange['op'] | null;
  id: string | null;
  namespace: string | null;
  spec: StoredSpec | null;
}

/**
 * The change log table: every write logs its changes in its own transaction, numbered by the
 * log itself. A write first locks the meta row (`lock`), so writers of one store queue there
 * and seq order is commit order: a reader that has seen seq N can never later find a smaller
 * one committed. (A database sequence would not do: its numbers are taken before commit, so
 * concurrent writers could commit out of order and a reader would skip the slower one.)
 */
export class PostgresChangeLog {
  readonly #names: PostgresNames;
  readonly #retention: Required<ChangeRetention>;

  constructor(options: { names: PostgresNames; retention: Required<ChangeRetention> }) {
    this.#names = options.names;
    this.#retention = options.retention;
  }

  /** Takes the store's write lock for the caller's transaction and returns the log head. */
  async lock(db: Queryable): Promise<number> {
    const result = await db.query<{ head: string }>(`SELECT head FROM ${this.#names.meta} FOR UPDATE`);
    return Number(result.rows[0]!.head);
  }

  /** Logs the changes after `head` (which `lock` returned), prunes to the retention and moves the head, in the caller's transaction. */
  async append(db: Queryable, head: number, changes: readonly ({ op: LoggedSpecChange['op']; spec: StoredSpec } | { op: 'value'; id: string; value: ValueChange })[]): Promise<void> {
    if (changes.length === 0) return;
    const { changes: table, meta } = this.#names;
    const rows = changes.map((change, index) =>
      change.op === 'value'
        ? { seq: head + index + 1, op: change.op, id: change.id, namespace: change.value.namespace, spec: change.value }
        : { seq: head + index + 1, op: change.op, id: change.spec.id, namespace: change.spec.namespace, spec: change.spec },
    );
    await db.query(
      `INSERT INTO ${table} (seq, op, id, namespace, spec) SELECT seq, op, id, namespace, spec FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint, op text, id text, namespace text, spec jsonb)`,
      [JSON.stringify(rows)],
    );
    // The pruning point: past keepChanges, or past the newest expired change once the oldest
    // one expired (so the full scan for it runs only when something is to be pruned).
    await db.query(
      `WITH bound AS (
        SELECT greatest($1::bigint - $2::bigint, m.pruned_through,
          CASE WHEN (SELECT at FROM ${table} ORDER BY seq LIMIT 1) < now() - $3::float8 * interval '1 millisecond'
            THEN (SELECT max(seq) FROM ${table} WHERE at < now() - $3::float8 * interval '1 millisecond') ELSE 0 END) AS seq
        FROM ${meta} AS m
      ), pruned AS (
        DELETE FROM ${table} WHERE seq <= (SELECT seq FROM bound)
      )
      UPDATE ${meta} SET head = $1, pruned_through = (SELECT seq FROM bound)`,
      [head + changes.length, this.#retention.keepChanges, this.#retention.keepChangesMs],
    );
  }

  /** The head of the log and how far it was pruned. */
  async position(db: Queryable): Promise<{ head: number; prunedThrough: number }> {
    const result = await db.query<{ head: string; pruned_through: string }>(`SELECT head, pruned_through FROM ${this.#names.meta}`);
    const row = result.rows[0]!;
    return { head: Number(row.head), prunedThrough: Number(row.pruned_through) };
  }

  /** Up to `limit` changes after seq `after` (of one namespace, when given), and the head, read in one snapshot. */
  async read(db: Queryable, after: number, namespace: string | undefined, limit: number): Promise<ChangePage> {
    const { changes: table, meta } = this.#names;
    const inNamespace = namespace === undefined ? '' : 'AND namespace = $3';
    const result = await db.query<PageRow>(
      `SELECT m.head, m.pruned_through, c.seq, c.op, c.id, c.namespace, c.spec FROM ${meta} AS m LEFT JOIN LATERAL (
        SELECT seq, op, id, namespace, spec FROM ${table} WHERE seq > $1 ${inNamespace} ORDER BY seq LIMIT $2
      ) AS c ON true ORDER BY c.seq`,
      namespace === undefined ? [after, limit] : [after, limit, namespace],
    );
    const first = result.rows[0]!;
    const changes: LoggedChange[] = result.rows
      .filter((row) => row.seq !== null)
      .map((row): LoggedChange => {
        const base = { seq: Number(row.seq), id: row.id!, namespace: row.namespace! };
        return row.op === 'value' ? { ...base, op: 'value', value: row.spec as unknown as ValueChange } : { ...base, op: row.op!, spec: storedDocument(row.spec!) };
      });
    return { head: Number(first.head), prunedThrough: Number(first.pruned_through), changes };
  }
}

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoredSpec } from '../../spec/index.ts';
import type { ChangePage, ChangeSource, LoggedChange, LoggedSpecChange } from '../change-feed.ts';
import type { ValueChange } from '../value-store.ts';
import type { ChangeRetention } from '../change-retention.ts';
import { transaction } from './transaction.ts';

interface ChangeRow {
  seq: number;
  op: LoggedChange['op'];
  id: string;
  namespace: string;
  document: string;
}

/**
 * The weft_changes table: every write logs its changes here in its own transaction, so a
 * watcher in any process reads them in commit (seq) order. Prunes itself to its retention and
 * remembers how far in weft_meta, so a watcher behind that point is told to reset.
 */
export class SqliteChangeLog implements ChangeSource {
  readonly #db: DatabaseSync;
  readonly #retention: Required<ChangeRetention>;
  readonly #append: StatementSync;
  readonly #head: StatementSync;
  readonly #prunedThrough: StatementSync;
  readonly #oldest: StatementSync;
  readonly #lastExpired: StatementSync;
  readonly #prune: StatementSync;
  readonly #setPrunedThrough: StatementSync;
  readonly #after: StatementSync;
  readonly #afterInNamespace: StatementSync;

  constructor(options: { db: DatabaseSync; retention: Required<ChangeRetention> }) {
    const db = (this.#db = options.db);
    this.#retention = options.retention;
    this.#append = db.prepare('INSERT INTO weft_changes (op, id, namespace, document, at) VALUES (?, ?, ?, ?, ?)');
    this.#head = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'weft_changes'");
    this.#prunedThrough = db.prepare("SELECT value FROM weft_meta WHERE key = 'pruned_through'");
    this.#oldest = db.prepare('SELECT at FROM weft_changes ORDER BY seq LIMIT 1');
    this.#lastExpired = db.prepare('SELECT max(seq) AS seq FROM weft_changes WHERE at < ?');
    this.#prune = db.prepare('DELETE FROM weft_changes WHERE seq <= ?');
    this.#setPrunedThrough = db.prepare("UPDATE weft_meta SET value = ? WHERE key = 'pruned_through'");
    const columns = 'SELECT seq, op, id, namespace, document FROM weft_changes';
    this.#after = db.prepare(`${columns} WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.#afterInNamespace = db.prepare(`${columns} WHERE namespace = ? AND seq > ? ORDER BY seq LIMIT ?`);
  }

  /** Logs one change inside the caller's write transaction. */
  append(op: LoggedSpecChange['op'], spec: StoredSpec, now: number): void {
    this.#append.run(op, spec.id, spec.namespace, JSON.stringify(spec), now);
  }

  /** Logs one value change (its identity, never its data) inside the caller's write transaction. */
  appendValue(id: string, value: ValueChange, now: number): void {
    this.#append.run('value', id, value.namespace, JSON.stringify(value), now);
  }

  /** Drops changes beyond the retention, inside the caller's write transaction. */
  prune(now: number): void {
    let cutoff = this.#headSeq() - this.#retention.keepChanges;
    const oldest = this.#oldest.get() as { at: number } | undefined;
    const expiredBefore = now - this.#retention.keepChangesMs;
    if (oldest !== undefined && oldest.at < expiredBefore) {
      cutoff = Math.max(cutoff, (this.#lastExpired.get(expiredBefore) as { seq: number }).seq);
    }
    if (cutoff <= this.#prunedThroughSeq()) return;
    this.#prune.run(cutoff);
    this.#setPrunedThrough.run(cutoff);
  }

  read(after: number, namespace: string | undefined, limit: number): ChangePage {
    return transaction(this.#db, 'deferred', () => {
      const rows = (limit === 0 ? [] : namespace === undefined ? this.#after.all(after, limit) : this.#afterInNamespace.all(namespace, after, limit)) as unknown as ChangeRow[];
      const changes = rows.map((row): LoggedChange => {
        const base = { seq: row.seq, id: row.id, namespace: row.namespace };
        return row.op === 'value' ? { ...base, op: 'value', value: JSON.parse(row.document) as ValueChange } : { ...base, op: row.op, spec: JSON.parse(row.document) as StoredSpec };
      });
      return { head: this.#headSeq(), prunedThrough: this.#prunedThroughSeq(), changes };
    });
  }

  #headSeq(): number {
    return (this.#head.get() as { seq: number } | undefined)?.seq ?? 0;
  }

  #prunedThroughSeq(): number {
    return (this.#prunedThrough.get() as { value: number }).value;
  }
}

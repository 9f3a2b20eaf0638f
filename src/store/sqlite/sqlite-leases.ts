import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { leaseOf } from '../lease/lease-of.ts';
import type { Lease } from '../spec-store.ts';
import { transaction } from './transaction.ts';

interface LeaseRow {
  holder: string;
  expires_at: number;
  data: string | null;
}

/**
 * The weft_leases table: one row per key with its holder, expiry (epoch ms) and data. Taking a
 * lease is one upsert whose update applies only when the row is free, expired or already
 * ours, under the write lock, so of two processes only one gets it. Expiry uses the caller's
 * clock: every process that opens a SQLite file runs on the host that has the file, so they
 * share one clock (SQLite is not for network file systems).
 */
export class SqliteLeases {
  readonly #db: DatabaseSync;
  readonly #acquire: StatementSync;
  readonly #release: StatementSync;

  constructor(options: { db: DatabaseSync }) {
    const db = (this.#db = options.db);
    this.#acquire = db.prepare(`INSERT INTO weft_leases (key, holder, expires_at, data) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, data = coalesce(excluded.data, weft_leases.data)
      WHERE weft_leases.holder = excluded.holder OR weft_leases.expires_at <= ?
      RETURNING holder, expires_at, data`);
    this.#release = db.prepare('UPDATE weft_leases SET expires_at = 0 WHERE key = ? AND holder = ? AND expires_at > ?');
  }

  /** Takes or renews `key` for `holder` (see `LeaseStore.acquireLease`); `data` is JSON text. */
  acquire(key: string, holder: string, ttlMs: number, data: string | undefined): Lease | null {
    return transaction(this.#db, 'immediate', () => {
      const now = Date.now();
      const row = this.#acquire.get(key, holder, now + ttlMs, data ?? null, now) as LeaseRow | undefined;
      return row === undefined ? null : leaseOf(key, { holder: row.holder, expiresAt: row.expires_at, data: row.data });
    });
  }

  /** Lets go of `key` if `holder` has it: it expires now, its data stays. */
  release(key: string, holder: string): boolean {
    return transaction(this.#db, 'immediate', () => Number(this.#release.run(key, holder, Date.now()).changes) > 0);
  }
}

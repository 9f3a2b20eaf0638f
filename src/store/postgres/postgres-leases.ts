import { leaseOf } from '../lease/lease-of.ts';
import type { Lease } from '../spec-store.ts';
import type { PostgresNames } from './postgres-names.ts';
import type { Queryable } from './queryable.ts';

interface LeaseRow {
  holder: string;
  expires_at: number;
  data: string | null;
}

/**
 * The `<table>_leases` table. Taking a lease is one `INSERT … ON CONFLICT DO UPDATE … WHERE`
 * that updates only a row that is expired or already ours, so concurrent callers on any
 * engine serialise on the row and exactly one gets a free lease. Expiry is computed and
 * compared with the server's clock (`clock_timestamp()`), so engines' clocks may differ.
 */
export class PostgresLeases {
  readonly #acquire: string;
  readonly #release: string;

  constructor(options: { names: PostgresNames }) {
    const table = options.names.leases;
    this.#acquire = `INSERT INTO ${table} AS lease (key, holder, expires_at, data)
      VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond', $4::jsonb)
      ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, data = coalesce(EXCLUDED.data, lease.data)
      WHERE lease.holder = EXCLUDED.holder OR lease.expires_at <= clock_timestamp()
      RETURNING holder, (extract(epoch FROM expires_at) * 1000)::float8 AS expires_at, data::text AS data`;
    this.#release = `UPDATE ${table} SET expires_at = to_timestamp(0) WHERE key = $1 AND holder = $2 AND expires_at > clock_timestamp()`;
  }

  /** Takes or renews `key` for `holder` (see `LeaseStore.acquireLease`); `data` is JSON text. */
  async acquire(db: Queryable, key: string, holder: string, ttlMs: number, data: string | undefined): Promise<Lease | null> {
    const { rows } = await db.query<LeaseRow>(this.#acquire, [key, holder, ttlMs, data ?? null]);
    const row = rows[0];
    return row === undefined ? null : leaseOf(key, { holder: row.holder, expiresAt: Math.round(row.expires_at), data: row.data });
  }

  /** Lets go of `key` if `holder` has it: it expires now, its data stays. */
  async release(db: Queryable, key: string, holder: string): Promise<boolean> {
    return ((await db.query(this.#release, [key, holder])).rowCount ?? 0) > 0;
  }
}

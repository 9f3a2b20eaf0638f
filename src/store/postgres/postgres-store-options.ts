import type { ChangeRetention } from '../change-retention.ts';
import type { ReconnectOptions } from './reconnect-delay.ts';
import type { StoreLogger } from './store-logger.ts';

/** Options of a PostgresStore. */
export interface PostgresStoreOptions extends ChangeRetention {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE?schema=S&table=T` (docs/stores.md). */
  readonly url: string;
  /** Where the change feed logs an outage and its end (default: nowhere). */
  readonly logger?: StoreLogger;
  /** How long a connection attempt may take (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** How long a write waits for the write lock another writer holds (default 5000 ms). */
  readonly lockTimeoutMs?: number;
  /** How long a statement may go unanswered before its connection is given up (default 15000 ms; above lockTimeoutMs). */
  readonly queryTimeoutMs?: number;
  /** Pooled connections for reads and writes (default 4; the feed has one more of its own). */
  readonly poolSize?: number;
  /** Backoff of the feed's reconnect attempts (default 100 ms doubling up to 5000 ms). */
  readonly reconnect?: ReconnectOptions;
  /** How often the LISTEN connection is checked, and how long the check may take (default 10000 ms). */
  readonly heartbeatMs?: number;
}

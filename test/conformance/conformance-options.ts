import type { SpecStore } from '../../src/index.ts';

/** What a driver adds to the conformance suite beyond `open`. */
export interface ConformanceOptions {
  /**
   * Cuts the connection `store`'s change feed listens on, as a server-side kill would (for
   * PostgreSQL: `pg_terminate_backend` of the LISTEN connection). Drivers without such a
   * connection leave it out, and the tests that need it are skipped.
   */
  readonly disconnect?: (store: SpecStore) => Promise<void>;
  /** False for a driver without the values collection (MongoDB for now): the values tests are left out. */
  readonly values?: boolean;
}

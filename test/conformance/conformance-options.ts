import type { SpecStore } from '../../src/index.ts';

/** What a driver adds to the conformance suite beyond `open`. */
export interface ConformanceOptions {
  /**
   * Cuts the connection `store`'s change feed listens on, as a server-side kill would (for
   * PostgreSQL: `pg_terminate_backend` of the LISTEN connection). Drivers without such a
   * connection leave it out, and the tests that need it are skipped.
   */
  readonly disconnect?: (store: SpecStore) => Promise<void>;
  /** False for a driver whose change feed does not carry value changes yet (MongoDB): that test is left out. */
  readonly valueEvents?: boolean;
}

import type { Pool, PoolClient } from 'pg';
import { storeError } from './pg-error.ts';

/**
 * Runs `work` in one transaction on a pooled connection and commits it; rolls back and rethrows
 * (as a WeftError) when anything throws. While the connection is checked out it has an `error`
 * listener (node-postgres emits one when the socket dies, and an unheard `error` would crash
 * the process); a connection that failed or timed out is destroyed instead of going back to the pool. A
 * COMMIT that fails because the connection was lost leaves the outcome unknown: the change
 * feed tells whether it happened.
 */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (thrown) {
    throw storeError(thrown);
  }
  let broken: Error | undefined;
  const onError = (error: Error): void => void (broken ??= error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (thrown) {
    // After a client-side query timeout the statement still occupies the connection: a
    // ROLLBACK would queue behind it, so the connection is destroyed instead (the server
    // rolls back when it goes).
    if (isQueryTimeout(thrown)) broken ??= thrown as Error;
    if (broken === undefined) await client.query('ROLLBACK').catch((error: unknown) => void (broken ??= error instanceof Error ? error : new Error(String(error))));
    throw storeError(thrown);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/** True for node-postgres's own `query_timeout` error (the server never answered in time). */
export function isQueryTimeout(thrown: unknown): boolean {
  return thrown instanceof Error && thrown.message === 'Query read timeout';
}

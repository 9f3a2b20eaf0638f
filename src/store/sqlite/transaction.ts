import type { DatabaseSync } from 'node:sqlite';
import { storeError } from './store-error.ts';

/**
 * Runs `work` in one transaction and commits it; rolls back and rethrows (as a WeftError) when
 * it throws. `immediate` takes the write lock first (waiting up to the busy timeout), so a write
 * never fails half-way on a lock; plain reads use a deferred transaction for one snapshot.
 */
export function transaction<T>(db: DatabaseSync, mode: 'immediate' | 'deferred', work: () => T): T {
  try {
    db.exec(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (thrown) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw storeError(thrown);
  }
}

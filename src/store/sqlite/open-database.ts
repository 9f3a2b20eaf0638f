import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { WeftError } from '../../errors/index.ts';
import { makeFolder } from './make-folder.ts';
import { ensureSchema } from './sqlite-schema.ts';
import { isBusy, storeError } from './store-error.ts';

/**
 * Opens (creating it and its folder when missing) a weft SQLite database at an absolute path
 * or `:memory:`: WAL journal so readers never block the writer, a busy timeout so writers of
 * several processes queue instead of failing, and the schema in place. Throws
 * ERR_STORE_UNSUITABLE when the file is not a SQLite database, and ERR_STORE_UNAVAILABLE when
 * it or its folder cannot be opened or created.
 */
export function openDatabase(path: string, busyTimeoutMs: number): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    if (path !== ':memory:') makeFolder(dirname(path));
    db = new DatabaseSync(path, { timeout: busyTimeoutMs });
    const opened = db;
    retryWhileBusy(() => opened.exec('PRAGMA journal_mode = WAL'), busyTimeoutMs);
    retryWhileBusy(() => ensureSchema(opened), busyTimeoutMs);
    return db;
  } catch (thrown) {
    db?.close();
    if (isNotADatabase(thrown)) {
      throw new WeftError('ERR_STORE_UNSUITABLE', { url: `sqlite://${path}`, reason: 'the file is not a SQLite database' }, { cause: thrown });
    }
    throw storeError(thrown);
  }
}

/** Retries a call that SQLite refused with SQLITE_BUSY without waiting (switching to WAL can). */
function retryWhileBusy(call: () => void, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return call();
    } catch (thrown) {
      const cause = thrown instanceof Error && thrown.cause !== undefined ? thrown.cause : thrown;
      if (!isBusy(cause) || Date.now() > deadline) throw thrown;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** SQLITE_NOTADB (26): the file exists but holds something else. */
function isNotADatabase(thrown: unknown): boolean {
  const code = (thrown as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === 26;
}

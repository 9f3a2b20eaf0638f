import { WeftError } from '../../errors/index.ts';

/** Turns what a SQLite call threw into a WeftError: WeftErrors pass, anything else is ERR_STORE_UNAVAILABLE. */
export function storeError(thrown: unknown): WeftError {
  if (thrown instanceof WeftError) return thrown;
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new WeftError('ERR_STORE_UNAVAILABLE', { reason }, { cause: thrown });
}

/** True when SQLite gave up waiting for a lock (SQLITE_BUSY or SQLITE_LOCKED): worth trying again. */
export function isBusy(thrown: unknown): boolean {
  const code = (thrown as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

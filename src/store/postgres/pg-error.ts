import { WeftError } from '../../errors/index.ts';

/**
 * Turns what node-postgres threw into a WeftError: WeftErrors pass; a refused login or a
 * missing privilege (SQLSTATE class 28, 42501) is ERR_STORE_ACCESS_DENIED; anything else is
 * ERR_STORE_UNAVAILABLE naming the reason.
 */
export function storeError(thrown: unknown): WeftError {
  if (thrown instanceof WeftError) return thrown;
  const state = sqlState(thrown);
  if (state !== undefined && (state.startsWith('28') || state === '42501')) {
    return new WeftError('ERR_STORE_ACCESS_DENIED', { reason: describeFailure(thrown) }, { cause: thrown });
  }
  return new WeftError('ERR_STORE_UNAVAILABLE', { reason: describeFailure(thrown) }, { cause: thrown });
}

/**
 * One line saying why a call failed: the message with the SQLSTATE or socket code when it
 * does not already show it. Node reports a refused connection to a name with several
 * addresses as an AggregateError without a message; its inner errors are listed instead.
 */
export function describeFailure(thrown: unknown): string {
  if (thrown instanceof AggregateError && thrown.message === '') return thrown.errors.map(describeFailure).join('; ');
  if (!(thrown instanceof Error)) return String(thrown);
  const code = (thrown as { code?: unknown }).code;
  const message = thrown.message === '' ? thrown.name : thrown.message;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(thrown: unknown): string | undefined {
  const code = (thrown as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

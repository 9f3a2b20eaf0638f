import { catalogue, WeftError, type ErrorCode } from '../../src/index.ts';

/**
 * An error the engine reported (`{code, message}`) as a WeftError with that code and the
 * engine's message, so the CLI prints `error CODE: message` as if it had raised it. A code this
 * CLI does not know (a newer engine) is kept in an ERR_INTERNAL message.
 */
export function remoteError(reported: { readonly code?: unknown; readonly message?: unknown } | undefined, fallback: string): WeftError {
  const code = typeof reported?.code === 'string' ? reported.code : undefined;
  const message = typeof reported?.message === 'string' ? reported.message : fallback;
  if (code === undefined || !(code in catalogue)) return new WeftError('ERR_INTERNAL', { reason: `${code ?? fallback}: ${message}` });
  const error = new WeftError(code as ErrorCode);
  error.message = message;
  return error;
}

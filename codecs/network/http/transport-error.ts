import { WeftError } from '../../../src/index.ts';

/** Why a request was cut short, when it was: its own timeout, or the end of its process. */
export type Interruption = 'timeout' | 'aborted' | undefined;

/** Error codes of the system and of undici that mean the connection could not be made. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED',
]);

/**
 * The coded error for a request that failed: ERR_HTTP_TIMEOUT past the node's timeout,
 * ERR_PROCESS_ABORTED when its process ended, ERR_HTTP_CONNECT when no connection could be
 * made, ERR_HTTP_CLIENT_INPUT for a request undici refuses to send (a bad header or path),
 * ERR_HTTP_TRANSPORT when the connection failed on the way. WeftErrors pass through.
 */
export function transportError(thrown: unknown, url: string, interruption: Interruption, timeoutMs: number): WeftError {
  if (interruption === 'timeout') return new WeftError('ERR_HTTP_TIMEOUT', { url, ms: timeoutMs }, { cause: thrown });
  if (interruption === 'aborted') return new WeftError('ERR_PROCESS_ABORTED', { node: `http ${url}` }, { cause: thrown });
  if (thrown instanceof WeftError) return thrown;
  const code = codeOf(thrown);
  const reason = reasonOf(thrown);
  if (code !== undefined && CONNECT_CODES.has(code)) return new WeftError('ERR_HTTP_CONNECT', { url, reason }, { cause: thrown });
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_CHAR') {
    return new WeftError('ERR_HTTP_CLIENT_INPUT', { reason }, { cause: thrown });
  }
  return new WeftError('ERR_HTTP_TRANSPORT', { url, reason }, { cause: thrown });
}

function codeOf(thrown: unknown): string | undefined {
  for (let error = thrown; error instanceof Error; error = error.cause) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    if (error instanceof AggregateError && error.errors.length > 0) return codeOf(error.errors[0]);
  }
  return undefined;
}

function reasonOf(thrown: unknown): string {
  if (thrown instanceof AggregateError && thrown.message === '' && thrown.errors.length > 0) return reasonOf(thrown.errors[0]);
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const code = codeOf(thrown);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message || (code ?? 'unknown error');
}

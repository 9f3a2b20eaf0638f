import { WeftError } from '../../src/index.ts';
import { remoteError } from './remote-error.ts';

/** One call of the ops plane from the CLI. */
export interface OpsCall {
  /** HOST:PORT (or an http:// URL) of the engine's ops plane. */
  readonly address: string | undefined;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** How long to wait for the answer (default 30 s). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Calls the ops plane over HTTP and resolves with its JSON answer. An error answer is thrown
 * as a WeftError with the engine's code and message; no address, or an unusable one, is
 * ERR_OPS_ADDRESS; no answer (refused, timed out, not the ops plane) is ERR_OPS_UNREACHABLE.
 */
export async function opsRequest(call: OpsCall): Promise<unknown> {
  const base = opsUrl(call.address);
  let response: Response;
  try {
    response = await fetch(new URL(call.path, base), {
      method: call.method,
      signal: AbortSignal.timeout(call.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body), headers: { 'content-type': 'application/json' } }),
    });
  } catch (thrown) {
    throw new WeftError('ERR_OPS_UNREACHABLE', { address: base.host, reason: networkReason(thrown) }, { cause: thrown });
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (thrown) {
    throw new WeftError('ERR_OPS_UNREACHABLE', { address: base.host, reason: `HTTP ${response.status} without a JSON body: is this the ops plane?` }, { cause: thrown });
  }
  if (response.ok) return json;
  throw errorAnswer(json, response.status, base.host);
}

/** The ops plane's base URL from HOST:PORT or http(s)://HOST:PORT. */
function opsUrl(address: string | undefined): URL {
  if (address === undefined || address.trim() === '') {
    throw new WeftError('ERR_OPS_ADDRESS', { address: '(none)', reason: 'no ops address is set: give --ops HOST:PORT, WEFT_OPS or ops: in weft.config.yaml' });
  }
  const text = /^https?:\/\//.test(address) ? address : `http://${address}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WeftError('ERR_OPS_ADDRESS', { address, reason: 'it is not HOST:PORT' });
  }
  if (url.port === '' || (url.pathname !== '/' && url.pathname !== '')) throw new WeftError('ERR_OPS_ADDRESS', { address, reason: 'it is not HOST:PORT' });
  return url;
}

/** The engine's coded error answer; a 404 without one means the path is not served there. */
function errorAnswer(json: unknown, status: number, address: string): WeftError {
  const reported = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (status === 404 && typeof reported?.code !== 'string') {
    return new WeftError('ERR_OPS_UNREACHABLE', { address, reason: 'HTTP 404: the ops plane there has no control routes' });
  }
  return remoteError(reported, `HTTP ${status}`);
}

function networkReason(thrown: unknown): string {
  const error = thrown as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return 'no answer in time';
  return error.cause?.code ?? error.cause?.message ?? error.message;
}

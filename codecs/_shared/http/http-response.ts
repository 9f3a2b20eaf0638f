import { catalogue, httpStatusOf, WeftError, type ErrorRow } from '../../../src/index.ts';
import { stringifyJson } from './encode-body.ts';

/** A reply that describes an HTTP response: a plain map with a numeric `status`. */
export interface HttpResponseMap {
  readonly status: number;
  readonly header?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
}

/**
 * Headers a reply may not set: hop-by-hop and request-only ones, compared exactly and without
 * case (so Set-Cookie and Access-Control-* pass), and Content-Length, which the server computes.
 */
export const DROPPED_HEADERS: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length',
]);

/** True when `value` is a response map (57d contract: a plain map with a numeric `status`). */
export function isHttpResponse(value: unknown): value is HttpResponseMap {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && typeof (value as { status?: unknown }).status === 'number';
}

/**
 * The status that answers an error reply: its code's own (413, 415) or its category's; any
 * non-Weft error is internal (500).
 */
export function statusOfError(error: Error): number {
  if (!(error instanceof WeftError)) return 500;
  const row: ErrorRow = catalogue[error.code];
  return row.status ?? httpStatusOf[error.category];
}

/** The JSON body of an error reply; internal errors say only "Internal Server Error". */
export function errorBody(error: Error): string {
  if (!(error instanceof WeftError) || error.category === 'internal') return INTERNAL_BODY;
  return stringifyJson({ error: { code: error.code, message: error.message } });
}

const INTERNAL_BODY = stringifyJson({ error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } });

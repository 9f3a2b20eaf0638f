import { catalogue, httpStatusOf, toWeftError, type ErrorRow } from '../../errors/index.ts';
import type { OpsResponse } from '../ops-route.ts';

/**
 * The ops-plane answer for a coded error: its catalogue status and `{error: {code, category,
 * message}}`. An internal error says only "internal error" (its cause belongs in the log).
 */
export function errorResponse(thrown: unknown, headers?: Readonly<Record<string, string>>): OpsResponse {
  const error = toWeftError(thrown);
  const row: ErrorRow = catalogue[error.code];
  const status = row.status ?? httpStatusOf[error.category];
  const message = error.category === 'internal' ? 'internal error' : error.message;
  return { status, ...(headers === undefined ? {} : { headers }), body: { error: { code: error.code, category: error.category, message } } };
}

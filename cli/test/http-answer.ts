import { catalogue, httpStatusOf, Packet, WeftError, type ErrorRow } from '../../src/index.ts';

/** The HTTP response a listener would write for a reply, as a test compares it (the body not encoded). */
export interface HttpAnswer {
  readonly status: number;
  /** The headers the reply sets, names lower-cased. */
  readonly header: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * The response of the listener's contract (docs/kinds/listener.md, "Replies"): `None` → 200
 * without body; a response map `{status, header?, body?}` (status 0 → 200); an error → its
 * code's or category's status with `{error: {code, message}}` (an internal one hides its
 * message); anything else → the body of a 200. Content negotiation and encoding are the
 * listener's and are not simulated: `header` holds what the reply itself sets.
 */
export function httpAnswer(reply: Packet): HttpAnswer {
  if (reply === Packet.None) return { status: 200, header: {}, body: null };
  const value = reply.payload;
  if (value instanceof Error) return { status: statusOf(value), header: { 'content-type': 'application/json' }, body: errorBody(value) };
  if (!isResponseMap(value)) return { status: 200, header: {}, body: value };
  const header: Record<string, string> = {};
  for (const [name, item] of Object.entries(value.header ?? {})) {
    if (item === undefined || item === null) continue;
    header[name.toLowerCase()] = Array.isArray(item) ? item.map(String).join(', ') : String(item);
  }
  return { status: value.status === 0 ? 200 : value.status, header, body: value.body ?? null };
}

function isResponseMap(value: unknown): value is { status: number; header?: Record<string, unknown>; body?: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && typeof (value as { status?: unknown }).status === 'number';
}

function statusOf(error: Error): number {
  if (!(error instanceof WeftError)) return 500;
  const row: ErrorRow = catalogue[error.code];
  return row.status ?? httpStatusOf[error.category];
}

function errorBody(error: Error): unknown {
  if (!(error instanceof WeftError) || error.category === 'internal') return { error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } };
  return { error: { code: error.code, message: error.message } };
}

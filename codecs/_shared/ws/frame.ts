import { stringifyJson } from '../http/encode-body.ts';

/** WebSocket opcodes as they appear in `type` on the ports. */
export const TEXT = 1;
export const BINARY = 2;
export const CLOSE = 8;
/** The `type` of the event a connection sends on `out` when it opens (no frame has opcode 0 on its own). */
export const OPEN = 0;

/** One outgoing message, encoded once (a broadcast sends the same bytes to every member). */
export interface OutgoingFrame {
  readonly binary: boolean;
  readonly data: string | Buffer;
  /** The encoded size in bytes, counted against the send buffer. */
  readonly size: number;
}

/** A close request given on `in`: `{type: 8, data: {code?, reason?}}`. */
export interface CloseRequest {
  readonly code: number;
  readonly reason: string;
}

/**
 * Encodes a value sent on `in` (or by `send`): `{type: 1|2, data}` is used as is (its data
 * encoded as below, binary as bytes); `{type: 8, data: {code, reason}}` is a close request;
 * anything else is the data: a string → text, bytes → binary, any other value → JSON text.
 */
export function outgoing(value: unknown): OutgoingFrame | CloseRequest {
  if (isTyped(value)) {
    if (value.type === CLOSE) return closeRequest(value.data);
    if (value.type === BINARY) return frame(toBytes(value.data), true);
    if (value.type === TEXT) return frame(typeof value.data === 'string' ? value.data : stringifyJson(value.data), false);
  }
  if (typeof value === 'string') return frame(value, false);
  if (value instanceof Uint8Array) return frame(Buffer.from(value.buffer, value.byteOffset, value.byteLength), true);
  return frame(stringifyJson(value), false);
}

/** True when `value` is an encoded frame, false for a close request. */
export function isFrame(value: OutgoingFrame | CloseRequest): value is OutgoingFrame {
  return 'binary' in value;
}

/** What a connection sends on `out`: its events carry its id and the route params of its upgrade request. */
export interface ConnectionEvent {
  readonly type: number;
  readonly data: unknown;
  readonly connection: string;
  readonly params?: Readonly<Record<string, string>>;
}

/** The payload a received frame is sent on `out` as: text → string, binary → bytes. */
export function incoming(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean, connection: string, params: Readonly<Record<string, string>> | undefined): ConnectionEvent {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const value = isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8');
  return params === undefined ? { type: isBinary ? BINARY : TEXT, data: value, connection } : { type: isBinary ? BINARY : TEXT, data: value, connection, params };
}

function frame(data: string | Buffer, binary: boolean): OutgoingFrame {
  return { binary, data, size: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
}

function isTyped(value: unknown): value is { type: number; data?: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return false;
  const type = (value as { type?: unknown }).type;
  return (type === TEXT || type === BINARY || type === CLOSE) && Object.keys(value).every((key) => key === 'type' || key === 'data' || key === 'connection' || key === 'params');
}

function toBytes(data: unknown): Buffer {
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(typeof data === 'string' ? data : stringifyJson(data));
}

function closeRequest(data: unknown): CloseRequest {
  const given = typeof data === 'object' && data !== null ? (data as { code?: unknown; reason?: unknown }) : {};
  const code = typeof given.code === 'number' && Number.isInteger(given.code) && (given.code === 1000 || (given.code >= 3000 && given.code <= 4999)) ? given.code : 1000;
  return { code, reason: typeof given.reason === 'string' ? given.reason.slice(0, 120) : '' };
}

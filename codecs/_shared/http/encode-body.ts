import { formatForm } from './form.ts';
import { FORM_TYPE, isJsonType, mediaEssence } from './media-type.ts';
import { negotiate } from './negotiate.ts';

/** The Content-Type of JSON bodies weft writes. */
export const JSON_TYPE = 'application/json; charset=utf-8';
/** The Content-Type of string bodies weft writes as text. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';
/** The Content-Type of byte bodies. */
export const BYTES_TYPE = 'application/octet-stream';

const STRING_OFFERS: readonly string[] = [TEXT_TYPE, JSON_TYPE];

/**
 * The Content-Type for a body whose response names none: a string is text (or a JSON string
 * when `Accept` prefers JSON), bytes are `application/octet-stream`, anything else is JSON.
 */
export function contentTypeFor(body: unknown, accept: string | undefined): string {
  if (typeof body === 'string') return negotiate(accept, STRING_OFFERS);
  return body instanceof Uint8Array ? BYTES_TYPE : JSON_TYPE;
}

/**
 * Encodes a body value as `contentType`: bytes stay bytes; JSON types get JSON (a string
 * becomes a JSON string); the form type gets form text; other types get a string as it is and
 * anything else as JSON. `{}` and `[]` stay `{}` and `[]`.
 */
export function encodeBody(body: unknown, contentType: string): string | Uint8Array {
  if (body instanceof Uint8Array || (typeof body === 'string' && contentType === TEXT_TYPE)) return body;
  const essence = mediaEssence(contentType);
  if (isJsonType(essence)) return stringifyJson(body);
  if (essence === FORM_TYPE) return formatForm(body);
  return typeof body === 'string' ? body : stringifyJson(body);
}

/**
 * JSON text of a payload value: bigints become numbers (or strings beyond 2^53), bytes base64
 * strings (as Go's encoding/json writes []byte; JSON.stringify would write a map of indices,
 * twelve times their size), undefined null.
 */
export function stringifyJson(value: unknown): string {
  if (typeof value === 'object' && value !== null && holdsBytes(value, 0)) return JSON.stringify(value, plainJson) ?? 'null';
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return JSON.stringify(value, plainJson) ?? 'null';
  }
}

/** How deep holdsBytes looks; deeper values take the replacer path anyway when they hold bigints. */
const MAX_DEPTH = 64;

/** True when bytes are somewhere inside (or deeper than MAX_DEPTH, to be safe). */
function holdsBytes(value: object, depth: number): boolean {
  if (ArrayBuffer.isView(value)) return true;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && holdsBytes(item, depth + 1)) return true;
    return false;
  }
  if (value instanceof Error) return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && holdsBytes(item, depth + 1)) return true;
  }
  return false;
}

/** The JSON.stringify replacer: reads the holder's value, since a Buffer's toJSON runs first. */
function plainJson(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  return value;
}

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

/** JSON text of a payload value: bigints become numbers (or strings beyond 2^53), undefined null. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return JSON.stringify(value, bigintAsNumber) ?? 'null';
  }
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
}

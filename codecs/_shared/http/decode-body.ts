import { WeftError } from '../../../src/index.ts';
import { decodeContent, requestCoding } from './content-encoding.ts';
import { parseForm } from './form.ts';
import { FORM_TYPE, isJsonType, mediaEssence, mediaParameter } from './media-type.ts';

const utf8 = new TextDecoder();

/** The largest body decodeBody expands a compressed body to when the caller names no limit (16 MiB). */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

/**
 * Turns request body bytes into a payload value: one Content-Encoding (gzip, deflate, br)
 * undone within `maxBytes` and the ratio cap (content-encoding.ts), then by Content-Type:
 * JSON → parsed; form → name → list of strings; text/* → string; anything else → the bytes
 * (a Uint8Array). No bytes at all → null. Throws ERR_HTTP_BODY_INVALID when the body does not
 * decode, ERR_HTTP_ENCODING_UNSUPPORTED for an encoding it does not undo, and
 * ERR_HTTP_BODY_TOO_LARGE when it expands too far.
 */
export function decodeBody(data: Uint8Array | undefined, contentType?: string, contentEncoding?: string, maxBytes = MAX_DECODED_BYTES): unknown {
  if (data === undefined || data.length === 0) return null;
  const coding = requestCoding(contentEncoding);
  const bytes = coding === undefined ? data : decompress(data, coding, maxBytes);
  const essence = contentType === undefined ? '' : mediaEssence(contentType);
  try {
    if (isJsonType(essence)) return JSON.parse(decodeText(bytes, contentType!)) as unknown;
    if (essence === FORM_TYPE) return parseForm(decodeText(bytes, contentType!));
    if (essence.startsWith('text/')) return decodeText(bytes, contentType!);
  } catch (thrown) {
    throw bodyError(essence, thrown);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decompress(data: Uint8Array, coding: Parameters<typeof decodeContent>[1], maxBytes: number): Uint8Array {
  try {
    return decodeContent(data, coding, maxBytes);
  } catch (thrown) {
    if (thrown instanceof WeftError) throw thrown;
    throw bodyError(coding, thrown);
  }
}

function decodeText(bytes: Uint8Array, contentType: string): string {
  const charset = mediaParameter(contentType, 'charset');
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return utf8.decode(bytes);
  return new TextDecoder(charset).decode(bytes);
}

function bodyError(type: string, thrown: unknown): WeftError {
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new WeftError('ERR_HTTP_BODY_INVALID', { type: type || 'bytes', reason }, { cause: thrown });
}

import {
  brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync, type ZlibOptions,
} from 'node:zlib';
import { WeftError } from '../../../src/index.ts';

/** The codings a request body may arrive in, one layer of them (x-gzip is gzip). */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

/** How much larger than its compressed size a request body may decode to (beyond RATIO_FLOOR). */
export const MAX_RATIO = 100;

/** A decoded size every compressed body may reach whatever its ratio (small bodies compress well). */
export const RATIO_FLOOR = 64 * 1024;

type Transform = (data: Uint8Array, options: ZlibOptions) => Uint8Array;

const decoders: Readonly<Record<ContentCoding, Transform>> = {
  gzip: (data, options) => gunzipSync(data, options),
  br: (data, options) => brotliDecompressSync(data, options),
  deflate: (data, options) => {
    try {
      return inflateSync(data, options);
    } catch (thrown) {
      if (isOverLimit(thrown)) throw thrown;
      return inflateRawSync(data, options); // some clients send raw deflate without the zlib wrapper
    }
  },
};

const encoders: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  gzip: (data) => gzipSync(data),
  br: (data) => brotliCompressSync(data),
  deflate: (data) => deflateSync(data),
};

const ACCEPTED = 'one layer of gzip, deflate or br is accepted';

/**
 * The coding of a request's Content-Encoding header: undefined for none (absent, empty or
 * `identity`). Throws ERR_HTTP_ENCODING_UNSUPPORTED (415) for an unknown coding and for more
 * than one layer (`gzip, gzip`): stacked codings only multiply the work a small body can cost.
 */
export function requestCoding(header: string | undefined): ContentCoding | undefined {
  if (header === undefined) return undefined;
  let found: ContentCoding | undefined;
  for (const entry of header.split(',')) {
    const coding = codingOf(entry);
    if (coding === 'identity') continue;
    if (coding !== 'gzip' && coding !== 'deflate' && coding !== 'br') {
      throw new WeftError('ERR_HTTP_ENCODING_UNSUPPORTED', { encoding: header, reason: ACCEPTED });
    }
    if (found !== undefined) throw new WeftError('ERR_HTTP_ENCODING_UNSUPPORTED', { encoding: header, reason: ACCEPTED });
    found = coding;
  }
  return found;
}

/**
 * Undoes one coding, stopping as soon as the output would pass `maxBytes` or MAX_RATIO times
 * the input (whichever is smaller, never below RATIO_FLOOR): ERR_HTTP_BODY_TOO_LARGE (413).
 * Throws a plain Error for corrupt data.
 */
export function decodeContent(data: Uint8Array, coding: ContentCoding, maxBytes: number): Uint8Array {
  const byRatio = Math.max(RATIO_FLOOR, data.byteLength * MAX_RATIO);
  const limit = Math.min(maxBytes, byRatio);
  try {
    return decoders[coding](data, { maxOutputLength: Math.max(1, limit) });
  } catch (thrown) {
    if (!isOverLimit(thrown)) throw thrown;
    const reason = limit === maxBytes
      ? `it decompresses to more than the limit of ${maxBytes} bytes`
      : `it decompresses to more than ${MAX_RATIO} times its ${data.byteLength} bytes`;
    throw new WeftError('ERR_HTTP_BODY_TOO_LARGE', { reason }, { cause: thrown });
  }
}

/** Applies a Content-Encoding header to a response body; unknown codings leave it as it is. */
export function encodeContent(data: string | Uint8Array, header: string): string | Uint8Array {
  let bytes = data;
  for (const entry of header.split(',')) {
    const encode = encoders[codingOf(entry)];
    if (encode !== undefined) bytes = encode(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }
  return bytes;
}

function codingOf(entry: string): string {
  const coding = entry.trim().toLowerCase();
  if (coding === 'x-gzip') return 'gzip';
  return coding === '' ? 'identity' : coding;
}

/** zlib's refusal when the output passes maxOutputLength. */
function isOverLimit(thrown: unknown): boolean {
  return thrown instanceof RangeError && (thrown as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
}

import {
  brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync, type ZlibOptions,
} from 'node:zlib';

/** The largest body a compressed request may expand to (16 MiB). */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

const LIMIT: ZlibOptions = { maxOutputLength: MAX_DECODED_BYTES };

type Transform = (data: Uint8Array) => Uint8Array;

const decoders: Readonly<Record<string, Transform>> = {
  gzip: (data) => gunzipSync(data, LIMIT),
  br: (data) => brotliDecompressSync(data, LIMIT),
  deflate: (data) => {
    try {
      return inflateSync(data, LIMIT);
    } catch {
      return inflateRawSync(data, LIMIT); // some clients send raw deflate without the zlib wrapper
    }
  },
};

const encoders: Readonly<Record<string, Transform>> = {
  gzip: (data) => gzipSync(data),
  br: (data) => brotliCompressSync(data),
  deflate: (data) => deflateSync(data),
};

/**
 * Undoes a Content-Encoding header (`gzip`, `x-gzip`, `deflate`, `br`, `identity`, or a list,
 * applied in order and so undone last-first). Throws for an unknown coding or corrupt data.
 */
export function decodeContent(data: Uint8Array, header: string): Uint8Array {
  let bytes = data;
  const codings = header.split(',');
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codingOf(codings[i]!);
    if (coding === 'identity') continue;
    const decode = decoders[coding];
    if (decode === undefined) throw new Error(`unsupported Content-Encoding "${coding}"`);
    bytes = decode(bytes);
  }
  return bytes;
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

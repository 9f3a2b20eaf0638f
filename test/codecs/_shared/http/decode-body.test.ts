import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../../codecs/_shared/http/decode-body.ts';
import { encodeBody, stringifyJson } from '../../../../codecs/_shared/http/encode-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeBody', () => {
  it('gives null for no body at all, whatever the type', () => {
    expect(decodeBody(undefined, 'application/json')).toBeNull();
    expect(decodeBody(new Uint8Array(0), 'application/json')).toBeNull();
  });

  it('undoes one Content-Encoding (identity is none)', () => {
    expect(decodeBody(gzipSync('"deep"'), 'application/json', 'x-gzip')).toBe('deep');
    expect(decodeBody(gzipSync('"deep"'), 'application/json', 'identity, gzip')).toBe('deep');
    expect(decodeBody(bytes('"plain"'), 'application/json', 'identity')).toBe('plain');
  });

  it('refuses stacked or unknown encodings with ERR_HTTP_ENCODING_UNSUPPORTED', () => {
    const twice = gzipSync(gzipSync('"deep"'));
    expect(() => decodeBody(twice, 'application/json', 'gzip, x-gzip')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_ENCODING_UNSUPPORTED' }));
    expect(() => decodeBody(bytes('x'), 'text/plain', 'zstd')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_ENCODING_UNSUPPORTED' }));
  });

  it('stops decompressing at the size limit and at 100 times the compressed size: ERR_HTTP_BODY_TOO_LARGE', () => {
    const zeros = Buffer.alloc(2 * 1024 * 1024);
    for (const [coding, packed] of [['gzip', gzipSync(zeros)], ['deflate', deflateSync(zeros)], ['br', brotliCompressSync(zeros)]] as const) {
      expect(() => decodeBody(packed, undefined, coding, 1024 * 1024), coding).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_TOO_LARGE' }));
      expect(() => decodeBody(packed, undefined, coding, 64 * 1024 * 1024), coding).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_TOO_LARGE' }));
    }
    const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i} of a log\n`).join(''));
    expect(decodeBody(gzipSync(text), 'text/plain', 'gzip', 1024 * 1024)).toBe(text.toString());
    expect(decodeBody(gzipSync(Buffer.alloc(60 * 1024)), undefined, 'gzip', 1024 * 1024)).toHaveLength(60 * 1024);
  });

  it('fails with ERR_HTTP_BODY_INVALID for bad JSON, corrupt compressed data or an unknown charset', () => {
    expect(() => decodeBody(bytes('{'), 'application/json')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_INVALID' }));
    expect(() => decodeBody(bytes('not gzip'), 'text/plain', 'gzip')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_INVALID' }));
    expect(() => decodeBody(bytes('x'), 'text/plain; charset=klingon')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_INVALID' }));
  });

  it('returns a plain Uint8Array for other types', () => {
    const body = decodeBody(Buffer.from('AB'), 'application/pdf');
    expect(body).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(body)).toBe(false);
  });
});

describe('encodeBody', () => {
  it('encodes by type: JSON strings quoted, text as it is, form, bytes untouched', () => {
    expect(encodeBody('pong', 'application/json; charset=utf-8')).toBe('"pong"');
    expect(encodeBody('pong', 'text/plain; charset=utf-8')).toBe('pong');
    expect(encodeBody({ a: ['1', '2'] }, 'application/x-www-form-urlencoded')).toBe('a=1&a=2');
    expect(encodeBody({ a: 1 }, 'text/plain')).toBe('{"a":1}');
    const data = new Uint8Array([1]);
    expect(encodeBody(data, 'application/json')).toBe(data);
  });

  it('writes bigints as numbers, or strings past 2^53', () => {
    expect(stringifyJson({ small: 5n, big: 2n ** 70n })).toBe('{"small":5,"big":"1180591620717411303424"}');
  });

  it('writes bytes inside JSON as base64 strings, not as a map of indices (a 16 MiB body made a 193 MB reply)', () => {
    expect(stringifyJson({ body: new Uint8Array([0, 255, 7]), list: [Buffer.from('hi')] })).toBe('{"body":"AP8H","list":["aGk="]}');
    expect(stringifyJson({ body: new Uint8Array(1000), n: 1n }).length).toBeLessThan(1400);
  });
});

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../../codecs/_shared/http/decode-body.ts';
import { encodeBody, stringifyJson } from '../../../../codecs/_shared/http/encode-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeBody', () => {
  it('gives null for no body at all, whatever the type', () => {
    expect(decodeBody(undefined, 'application/json')).toBeNull();
    expect(decodeBody(new Uint8Array(0), 'application/json')).toBeNull();
  });

  it('undoes a list of Content-Encodings last-first', () => {
    const twice = gzipSync(gzipSync('"deep"'));
    expect(decodeBody(twice, 'application/json', 'gzip, x-gzip')).toBe('deep');
    expect(decodeBody(bytes('"plain"'), 'application/json', 'identity')).toBe('plain');
  });

  it('fails with ERR_HTTP_BODY_INVALID for bad JSON, an unknown encoding or an unknown charset', () => {
    expect(() => decodeBody(bytes('{'), 'application/json')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_INVALID' }));
    expect(() => decodeBody(bytes('x'), 'text/plain', 'zstd')).toThrow(expect.objectContaining({ code: 'ERR_HTTP_BODY_INVALID' }));
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
});

import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultLanguages, type Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { testContext, wire, type Wired } from '../../harness/wire.ts';

/** A listener → router workflow whose routes read the body (CEL, JavaScript) or ignore it. */
const specs: Spec[] = [
  {
    kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, limits: { bodySize: 1024 * 1024 },
    links: { out: [{ name: 'router', port: 'in' }] },
  },
  {
    kind: 'router', name: 'router',
    routes: [
      { method: 'POST', path: '/ignore', port: 'out[0]' },
      { method: 'POST', path: '/echo', port: 'out[1]' },
      { method: 'POST', path: '/js', port: 'out[2]' },
    ],
    links: { 'out[0]': [{ name: 'ignore', port: 'in' }], 'out[1]': [{ name: 'echo', port: 'in' }], 'out[2]': [{ name: 'js', port: 'in' }] },
  },
  { kind: 'snippet', name: 'ignore', language: 'cel', code: '"ignored " + self.path' },
  { kind: 'snippet', name: 'echo', language: 'cel', code: '{"status": 200, "body": {"echo": self.body}}' },
  { kind: 'snippet', name: 'js', language: 'javascript', code: 'export default (request) => ({ a: request.body.a, params: request.params })' },
];

describe('listener request bodies, decoded once routed', () => {
  let wired: Wired;
  let base: string;

  beforeAll(async () => {
    wired = await wire(specs, testContext({ languages: createDefaultLanguages({ javascript: { isolation: 'in-process' } }) }));
    base = `http://127.0.0.1:${wired.node<ListenerNode>('http').port}`;
  });

  afterAll(async () => {
    await wired?.close();
  });

  const post = (path: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(base + path, { method: 'POST', body, headers, signal: AbortSignal.timeout(5000) });
  const code = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;

  it('never decodes the body of a request no route takes (404, not 400)', async () => {
    const corrupt = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const missing = await post('/nowhere', 'not gzip at all', corrupt);
    expect(missing.status).toBe(404);
    await missing.text();
    const wrongMethod = await fetch(`${base}/echo`, { method: 'PUT', body: 'not gzip', headers: corrupt, signal: AbortSignal.timeout(5000) });
    expect(wrongMethod.status).toBe(405);
    await wrongMethod.text();
  });

  it('answers a body that does not decode where it is read with 400 ERR_HTTP_BODY_INVALID, not a 500', async () => {
    const gzip = await post('/echo', 'not gzip at all', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(gzip.status).toBe(400);
    expect(await code(gzip)).toBe('ERR_HTTP_BODY_INVALID');
    const json = await post('/js', '{"a":', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(await code(json)).toBe('ERR_HTTP_BODY_INVALID');
    const ignored = await post('/ignore', 'not gzip at all', { 'content-encoding': 'gzip' });
    expect(ignored.status).toBe(400);
    await ignored.text();
  });

  it('passes decoded bodies to CEL and JavaScript as before', async () => {
    const echoed = await post('/echo', gzipSync(JSON.stringify({ a: [1, 2] })), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(await echoed.json()).toEqual({ echo: { a: [1, 2] } });
    const js = await post('/js', brotliCompressSync('{"a":"b"}'), { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(await js.json()).toEqual({ a: 'b', params: {} });
  });

  it('refuses stacked and unknown encodings with 415 ERR_HTTP_ENCODING_UNSUPPORTED before any workflow runs', async () => {
    const nested = gzipSync(gzipSync(Buffer.alloc(16 * 1024 * 1024 - 100), { level: 9 }), { level: 9 });
    expect(nested.length).toBeLessThan(400);
    for (const [encoding, body] of [['gzip, gzip', nested], ['zstd', 'x'], ['gzip;q=1', 'x']] as const) {
      const response = await post('/echo', body, { 'content-encoding': encoding });
      expect(response.status, encoding).toBe(415);
      expect(await code(response)).toBe('ERR_HTTP_ENCODING_UNSUPPORTED');
    }
  });

  it('answers 413 ERR_HTTP_BODY_TOO_LARGE for a body that decompresses past bodySize or 100 times its size', async () => {
    const started = Date.now();
    for (const [encoding, packed] of [['gzip', gzipSync(Buffer.alloc(4 * 1024 * 1024))], ['br', brotliCompressSync(Buffer.alloc(16 * 1024 * 1024))]] as const) {
      const response = await post('/echo', packed, { 'content-encoding': encoding });
      expect(response.status, encoding).toBe(413);
      expect(await code(response)).toBe('ERR_HTTP_BODY_TOO_LARGE');
      expect(Number(response.headers.get('content-length'))).toBeLessThan(1000);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('writes a bytes body inside a JSON reply as base64, so a reply is never many times its request', async () => {
    const response = await post('/echo', new Uint8Array(100_000).fill(7));
    const text = await response.text();
    expect(text.length).toBeLessThan(140_000);
    expect(Buffer.from((JSON.parse(text) as { echo: string }).echo, 'base64')).toEqual(Buffer.alloc(100_000, 7));
  });
});

import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Packet, WeftError, type Handler } from '../../../src/index.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(out?: Handler, error?: Handler): Promise<TestServer> {
  server = await startListener({ out, error });
  return server;
}

/** A handler replying with a fixed payload. */
const replyWith = (payload: unknown): Handler => () => new Packet(payload);

/**
 * A handler replying `{request}` with the request payload inside, bytes turned into a list of
 * numbers (the request map itself has `status: 0`, so replying it as it is would make a response).
 */
const echo: Handler = (_process, packet) => {
  const request = packet.payload as { body: unknown };
  const body = request.body instanceof Uint8Array ? { bytes: [...request.body] } : request.body;
  return new Packet({ request: { ...request, body } });
};

type RequestMap = Record<string, unknown> & { body: unknown; header: Record<string, string[]> };

/** The request map a response from `echo` carries. */
async function echoed(response: Response): Promise<RequestMap> {
  return ((await response.json()) as { request: RequestMap }).request;
}

/** The `error.code` of a JSON error response. */
async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('listener requests', () => {
  it('answers an empty 200 when out is not linked', async () => {
    const response = await (await serve()).fetch('/anything');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('sends the request map to out: method, host, path, query and header lists, protocol, body, status 0', async () => {
    const { fetch, url } = await serve(echo);
    const response = await fetch('/echo/a%20b?x=1&x=2&y=&z=a+b', { headers: { 'X-Custom': 'v' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const request = await echoed(response);
    expect(request).toMatchObject({
      method: 'GET',
      host: url.slice('http://'.length),
      path: '/echo/a%20b',
      query: { x: ['1', '2'], y: [''], z: ['a b'] },
      protocol: 'HTTP/1.1',
      body: null,
      status: 0,
    });
    expect(request.header['x-custom']).toEqual(['v']);
    expect(request).not.toHaveProperty('scheme');
  });

  it.each([
    ['application/json', '{"a":[1,2.5],"b":{}}', { a: [1, 2.5], b: {} }],
    ['application/problem+json; charset=utf-8', '[]', []],
    ['application/x-www-form-urlencoded', 'a=1&a=2&b=x+y', { a: ['1', '2'], b: ['x y'] }],
    ['text/plain; charset=utf-8', 'hello', 'hello'],
    ['text/csv', 'a,b', 'a,b'],
    ['application/octet-stream', 'AB', { bytes: [65, 66] }],
    ['image/png', 'AB', { bytes: [65, 66] }],
  ])('decodes a %s body', async (type, body, expected) => {
    const response = await (await serve(echo)).fetch('/', { method: 'POST', headers: { 'content-type': type }, body });
    expect((await echoed(response)).body).toEqual(expected);
  });

  it('answers with the request body when the request map itself is the reply (it has status 0)', async () => {
    const response = await (await serve((_process, packet) => packet)).fetch('/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'same' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('same');
  });

  it('decodes a body without Content-Type as bytes', async () => {
    const response = await (await serve(echo)).fetch('/', { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect((await echoed(response)).body).toEqual({ bytes: [1, 2, 3] });
  });

  it('decompresses gzip and br request bodies', async () => {
    const { fetch } = await serve(echo);
    const json = JSON.stringify({ zipped: true });
    for (const [encoding, data] of [['gzip', gzipSync(json)], ['br', brotliCompressSync(json)]] as const) {
      const response = await fetch('/', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: data });
      expect((await echoed(response)).body, encoding).toEqual({ zipped: true });
    }
  });

  it('answers 400 ERR_HTTP_BODY_INVALID for a malformed body when error is not linked', async () => {
    const { fetch } = await serve(echo);
    const bad = await fetch('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await errorCode(bad)).toBe('ERR_HTTP_BODY_INVALID');
    const corrupt = await fetch('/', { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(corrupt.status).toBe(400);
    expect(await errorCode(corrupt)).toBe('ERR_HTTP_BODY_INVALID');
  });

  it('answers refusals before the workflow (body over 1 MiB, bad URL) with their status and code', async () => {
    const { fetch } = await serve(echo);
    const large = await fetch('/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(1024 * 1024 + 1) });
    expect(large.status).toBe(413);
    expect(await errorCode(large)).toBe('ERR_HTTP_BODY_TOO_LARGE');
    const badUrl = await fetch('/%zz');
    expect(badUrl.status).toBe(400);
    expect(await errorCode(badUrl)).toBe('ERR_HTTP_REQUEST_INVALID');
  });

  it('honours the charset of a text body and decodes deflate', async () => {
    const { fetch } = await serve(echo);
    const latin1 = await fetch('/', { method: 'POST', headers: { 'content-type': 'text/plain; charset=latin1' }, body: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) });
    expect((await echoed(latin1)).body).toBe('café');
    const deflated = await fetch('/', { method: 'POST', headers: { 'content-type': 'text/plain', 'content-encoding': 'deflate' }, body: deflateSync('squeezed') });
    expect((await echoed(deflated)).body).toBe('squeezed');
  });

  it('sends a malformed body to a linked error port, whose reply is the response', async () => {
    const { fetch } = await serve(echo, (_process, packet) => new Packet({ status: 422, body: (packet.payload as WeftError).code }));
    const response = await fetch('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(response.status).toBe(422);
    expect(await response.text()).toBe('ERR_HTTP_BODY_INVALID');
  });

  it('answers an error reply with the status of its category and a JSON error body', async () => {
    const response = await (await serve(replyWith(new WeftError('ERR_SPEC_NOT_FOUND', { spec: 'x' })))).fetch('/');
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('ERR_SPEC_NOT_FOUND');
  });

  it('answers internal errors with a generic 500 that leaks nothing', async () => {
    const replies: Handler[] = [
      replyWith(new Error('secret detail')),
      replyWith(new WeftError('ERR_INTERNAL', { reason: 'secret detail' })),
      () => {
        throw new Error('secret detail');
      },
      () => Promise.reject(new Error('secret detail')),
    ];
    for (const reply of replies) {
      const current = await serve(reply);
      const response = await current.fetch('/');
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } });
      expect(text).not.toContain('secret');
      await current.close();
    }
  });

  it('answers an error handled on the error port with the handler reply (200 text)', async () => {
    const response = await (await serve(replyWith(new Error('x')), replyWith('handled'))).fetch('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('handled');
  });

  it('writes a {status, header, body} reply, keeping Set-Cookie and CORS headers', async () => {
    const reply = {
      status: 201,
      header: {
        'Set-Cookie': ['a=1; Path=/', 'b=2'],
        'Access-Control-Allow-Origin': '*',
        'access-control-expose-headers': 'X-Count',
        'X-Count': 3,
        'Content-Length': '999',
        'Transfer-Encoding': 'chunked',
      },
      body: { ok: true },
    };
    const response = await (await serve(replyWith(reply))).fetch('/');
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Count');
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.get('content-length')).toBe('11');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('reads status 0 as 200 and keeps a reply without status as the body', async () => {
    const { fetch } = await serve(replyWith({ status: 0, body: 'zero' }));
    expect(await fetch('/').then(async (response) => [response.status, await response.text()])).toEqual([200, 'zero']);
    await server!.close();
    const plain = await serve(replyWith({ message: 'no status', state: 1 }));
    const response = await plain.fetch('/');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'no status', state: 1 });
  });

  it.each([
    [{}, '{}'],
    [[], '[]'],
    [null, 'null'],
    [42, '42'],
    [false, 'false'],
    [{ status: 200, body: [] }, '[]'],
  ])('encodes the body %j as JSON %s', async (payload, text) => {
    const response = await (await serve(replyWith(payload))).fetch('/');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe(text);
  });

  it('sends bytes as application/octet-stream', async () => {
    const response = await (await serve(replyWith(new Uint8Array([0, 255, 7])))).fetch('/');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 255, 7]);
  });

  it('negotiates a string body against Accept, ignoring media type parameters', async () => {
    const { fetch } = await serve(replyWith('pong'));
    const cases: [string | undefined, string, string][] = [
      [undefined, 'text/plain; charset=utf-8', 'pong'],
      ['application/json', 'application/json; charset=utf-8', '"pong"'],
      ['application/json; charset=utf-8', 'application/json; charset=utf-8', '"pong"'],
      ['text/*;q=0.5, application/*;q=0.9', 'application/json; charset=utf-8', '"pong"'],
      ['text/html, */*;q=0.8', 'text/plain; charset=utf-8', 'pong'],
      ['application/xml', 'text/plain; charset=utf-8', 'pong'],
    ];
    for (const [accept, type, text] of cases) {
      const response = await fetch('/', { headers: accept === undefined ? {} : { accept } });
      expect(response.headers.get('content-type'), accept).toBe(type);
      expect(await response.text()).toBe(text);
    }
  });

  it('sends a string body as it is under a Content-Type the reply sets', async () => {
    const reply = { status: 200, header: { 'Content-Type': 'application/json' }, body: '{"raw":true}' };
    const response = await (await serve(replyWith(reply))).fetch('/', { headers: { accept: 'text/plain' } });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe('{"raw":true}');
  });

  it('compresses a body under a Content-Encoding the reply sets', async () => {
    const reply = { status: 200, header: { 'Content-Encoding': 'gzip' }, body: { packed: true } };
    const response = await (await serve(replyWith(reply))).fetch('/');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.json()).toEqual({ packed: true });
  });

  it('answers 500 for a reply it cannot write (bad status or header)', async () => {
    for (const reply of [{ status: 42 }, { status: 200, header: { 'bad name': 'x' } }, { status: 200, header: { 'x-a': 'line\nbreak' } }]) {
      const current = await serve(replyWith(reply));
      const response = await current.fetch('/');
      expect(response.status, JSON.stringify(reply)).toBe(500);
      expect(await errorCode(response)).toBe('ERR_INTERNAL');
      await current.close();
    }
  });

  it('waits for an asynchronous reply', async () => {
    const slow: Handler = () => new Promise((resolve) => setTimeout(() => resolve(new Packet('late')), 30));
    expect(await (await (await serve(slow)).fetch('/')).text()).toBe('late');
  });

  it('ends each process after the response, with an error for 4xx/5xx', async () => {
    const exits: (string | undefined)[] = [];
    const { fetch } = await serve((process, packet) => {
      process.onExit((error) => void exits.push(error?.message));
      const path = (packet.payload as { path: string }).path;
      return new Packet(path === '/missing' ? { status: 404, body: 'gone' } : 'ok');
    });
    await (await fetch('/ok')).text();
    await (await fetch('/missing')).text();
    await expect.poll(() => exits.length, { timeout: 2000 }).toBe(2);
    expect(exits).toEqual([undefined, 'Not Found']);
  });
});

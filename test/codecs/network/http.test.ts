import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, type WeftError } from '../../../src/index.ts';
import { HttpClientNode } from '../../../codecs/network/http.ts';
import { TRACEPARENT_KEY } from '../../../codecs/_shared/trace-context.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { freePort } from '../../harness/cli.ts';
import { startListener } from '../../harness/listen.ts';
import { until, within } from '../../harness/wait.ts';
import { wire } from '../../harness/wire.ts';
import { startUpstream, type Upstream } from './http-upstream.ts';

const codeOf = (packet: Packet): string | undefined => (packet.payload as WeftError).code;

describe('http', () => {
  let upstream: Upstream;

  beforeAll(async () => {
    upstream = await startUpstream((request, response) => {
      const path = request.url.split('?')[0];
      if (path === '/slow') return; // never answers; the client's timeout or abort ends it
      if (path === '/big') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('x'.repeat(4096));
        return;
      }
      if (path === '/big-chunked') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 8; i++) response.write('y'.repeat(512));
        response.end();
        return;
      }
      if (path === '/text') {
        response.writeHead(201, { 'content-type': 'text/plain; charset=utf-8', 'x-reply': 'yes' });
        response.end(`got ${request.body}`);
        return;
      }
      if (path === '/missing') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"error":"nope"}');
        return;
      }
      if (path === '/broken-json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{not json');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
      response.end(JSON.stringify({ method: request.method, url: request.url, type: request.headers['content-type'] ?? null, body: request.body }));
    });
  });

  afterAll(async () => {
    await upstream.close();
  });

  it('GETs JSON when the payload is null and decodes the reply by its Content-Type', async () => {
    const wired = await wire([{ kind: 'http', name: 'get', url: `${upstream.url}/echo?fixed=1` }]);
    try {
      const reply = await within(wired.send('get', null));
      expect(reply.payload).toMatchObject({
        status: 200,
        body: { method: 'GET', url: '/echo?fixed=1', type: null, body: '' },
      });
      expect((reply.payload as { header: Record<string, string[]> }).header['set-cookie']).toEqual(['a=1', 'b=2']);
    } finally {
      await wired.close();
    }
  });

  it('POSTs a map as JSON and a string as text, and returns a text reply as a string', async () => {
    const wired = await wire([
      { kind: 'http', name: 'json', url: `${upstream.url}/echo` },
      { kind: 'http', name: 'text', url: `${upstream.url}/text` },
    ]);
    try {
      const json = await within(wired.send('json', { a: 1, list: [] }));
      expect(json.payload).toMatchObject({ status: 200, body: { method: 'POST', type: 'application/json; charset=utf-8', body: '{"a":1,"list":[]}' } });
      const text = await within(wired.send('text', 'hello'));
      expect(text.payload).toMatchObject({ status: 201, header: { 'x-reply': ['yes'] }, body: 'got hello' });
      expect(upstream.seen.at(-1)!.headers['content-type']).toBe('text/plain; charset=utf-8');
    } finally {
      await wired.close();
    }
  });

  it('takes method, path, query, header and body from a request map; spec headers win; the spec path goes first', async () => {
    const wired = await wire([{ kind: 'http', name: 'map', url: `${upstream.url}/api?v=2`, method: 'PATCH', headers: { Authorization: 'Bearer fixed' } }]);
    try {
      const reply = await within(wired.send('map', {
        method: 'put', path: '/users/7', query: { q: ['a', 'b'] }, status: 0,
        header: { authorization: ['Bearer client'], 'x-one': ['1'], host: ['elsewhere'], 'content-length': ['99'] },
        body: { name: 'ada' },
      }));
      expect(reply.payload).toMatchObject({ status: 200, body: { method: 'PUT', url: '/api/users/7?v=2&q=a&q=b', body: '{"name":"ada"}' } });
      const seen = upstream.seen.at(-1)!;
      expect(seen.headers.authorization).toBe('Bearer fixed');
      expect(seen.headers['x-one']).toBe('1');
      expect(seen.headers.host).toBe(new URL(upstream.url).host);
      const defaulted = await within(wired.send('map', 'plain body'));
      expect(defaulted.payload).toMatchObject({ body: { method: 'PATCH', url: '/api?v=2', body: 'plain body' } });
    } finally {
      await wired.close();
    }
  });

  it('replies with any status the server sends, a 404 included, on out', async () => {
    const wired = await wire([{ kind: 'http', name: 'missing', url: `${upstream.url}/missing` }]);
    try {
      expect((await within(wired.send('missing', null))).payload).toMatchObject({ status: 404, body: { error: 'nope' } });
    } finally {
      await wired.close();
    }
  });

  it('answers ERR_HTTP_TIMEOUT past its timeout, ERR_HTTP_CONNECT when refused, and keeps serving', async () => {
    const closed = await freePort();
    const wired = await wire([
      { kind: 'http', name: 'slow', url: `${upstream.url}/slow`, timeout: '150ms' },
      { kind: 'http', name: 'refused', url: `http://127.0.0.1:${closed}/`, timeout: '2s' },
      { kind: 'http', name: 'ok', url: `${upstream.url}/echo` },
    ]);
    try {
      const started = performance.now();
      const slow = await within(wired.send('slow', null));
      expect(codeOf(slow)).toBe('ERR_HTTP_TIMEOUT');
      expect((slow.payload as WeftError).category).toBe('deadline exceeded');
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      const refused = await within(wired.send('refused', null));
      expect(codeOf(refused)).toBe('ERR_HTTP_CONNECT');
      expect((refused.payload as WeftError).category).toBe('unavailable');
      expect((await within(wired.send('ok', null))).payload).toMatchObject({ status: 200 });
    } finally {
      await wired.close();
    }
  });

  it('refuses a response larger than maxResponseBytes, by Content-Length or by the bytes received', async () => {
    const wired = await wire([
      { kind: 'http', name: 'big', url: `${upstream.url}/big`, maxResponseBytes: 1024 },
      { kind: 'http', name: 'chunked', url: `${upstream.url}/big-chunked`, maxResponseBytes: 1024 },
      { kind: 'http', name: 'fits', url: `${upstream.url}/big`, maxResponseBytes: 4096 },
      { kind: 'http', name: 'broken', url: `${upstream.url}/broken-json` },
    ]);
    try {
      expect(codeOf(await within(wired.send('big', null)))).toBe('ERR_HTTP_RESPONSE_TOO_LARGE');
      expect(codeOf(await within(wired.send('chunked', null)))).toBe('ERR_HTTP_RESPONSE_TOO_LARGE');
      expect(((await within(wired.send('fits', null))).payload as { body: string }).body).toHaveLength(4096);
      expect(codeOf(await within(wired.send('broken', null)))).toBe('ERR_HTTP_RESPONSE_INVALID');
    } finally {
      await wired.close();
    }
  });

  it('refuses a request map it cannot send with ERR_HTTP_CLIENT_INPUT', async () => {
    const wired = await wire([{ kind: 'http', name: 'bad', url: `${upstream.url}/echo` }]);
    try {
      expect(codeOf(await within(wired.send('bad', { status: 0, path: 7 })))).toBe('ERR_HTTP_CLIENT_INPUT');
      expect(codeOf(await within(wired.send('bad', { status: 0, header: { 'x-bad': 'line\nbreak' } })))).toBe('ERR_HTTP_CLIENT_INPUT');
    } finally {
      await wired.close();
    }
  });

  it('stops the call when its process ends, and the server sees the request go away', async () => {
    const node = new HttpClientNode({ url: new URL(`${upstream.url}/slow?case=abort`) });
    try {
      const process = new Process();
      const reply = node.in('in')!.handle(process, new Packet(null));
      await until(() => upstream.seen.some((request) => request.url === '/slow?case=abort'));
      void process.exit();
      expect(codeOf(await within(Promise.resolve(reply)))).toBe('ERR_PROCESS_ABORTED');
      await until(() => upstream.cancelled.includes('/slow?case=abort'));
    } finally {
      await node.close();
    }
  });

  it('sends the traceparent its process carries', async () => {
    const node = new HttpClientNode({ url: new URL(`${upstream.url}/echo`) });
    try {
      const process = new Process();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      process.data.set(TRACEPARENT_KEY, traceparent);
      await within(Promise.resolve(node.in('in')!.handle(process.fork(), new Packet(null))));
      expect(upstream.seen.at(-1)!.headers.traceparent).toBe(traceparent);
      await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(null))));
      expect(upstream.seen.at(-1)!.headers.traceparent).toBeUndefined();
    } finally {
      await node.close();
    }
  });

  it('closes its connections when the node closes; later packets get ERR_NODE_CLOSED', async () => {
    const node = new HttpClientNode({ url: new URL(`${upstream.url}/echo`) });
    await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(null))));
    const open = (): Promise<number> => new Promise((resolve) => upstream.server.getConnections((_error, count) => resolve(count)));
    expect(await open()).toBeGreaterThan(0);
    await within(node.close());
    const deadline = Date.now() + 2000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await open()).toBe(0);
    expect(codeOf(await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(null)))))).toBe('ERR_NODE_CLOSED');
  });

  it('proxies a listener request: status, headers and body come back through the listener', async () => {
    const wired = await wire([{ kind: 'http', name: 'proxy', url: upstream.url }]);
    const proxy = wired.node('proxy').in('in')!;
    const server = await startListener({ out: (process, packet) => proxy.handle(process, packet) });
    try {
      const response = await server.fetch('/text', { method: 'POST', body: 'from client', headers: { 'content-type': 'text/plain' } });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-reply')).toBe('yes');
      expect(await response.text()).toBe('got from client');
      expect(upstream.seen.at(-1)!.body).toBe('from client');
    } finally {
      await server.close();
      await wired.close();
    }
  });

  it('validates url, timeout and headers', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (spec: Record<string, unknown>) => scheme.validate({ kind: 'http', ...spec }).map((problem) => problem.path);
    expect(paths({ url: 'http://127.0.0.1/' })).toEqual([]);
    expect(paths({ url: 'not a url' })).toEqual(['url']);
    expect(paths({ url: 'ftp://host/' })).toEqual(['url']);
    expect(paths({ url: 'http://user:secret@host/' })).toEqual(['url']);
    expect(paths({ url: 'http://host/', timeout: 0 })).toEqual(['timeout']);
    expect(paths({ url: 'http://host/', headers: { 'bad name': 'x' } })).toEqual(['headers.bad name']);
  });
});

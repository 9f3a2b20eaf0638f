import { describe, expect, it } from 'vitest';
import { InPort, Packet, Process, WeftError } from '../../../src/index.ts';
import { RouterNode, toPattern } from '../../../codecs/network/router.ts';
import { defineLazyBody, LazyBody } from '../../../codecs/_shared/http/lazy-body.ts';
import { wire } from '../../harness/wire.ts';

type Route = { method: string; path: string; port: string };

/** A router whose out[N] ports reply `{port: N, input}`, so a test sees where a request went. */
function router(routes: Route[]): RouterNode {
  const node = new RouterNode(routes);
  for (const route of routes) {
    const port = route.port;
    node.out(port)!.link(new InPort('in', (_process, packet) => new Packet({ port, input: packet.payload })));
  }
  return node;
}

async function route(node: RouterNode, payload: unknown): Promise<Packet> {
  return await node.in('in')!.handle(new Process(), new Packet(payload));
}

describe('router', () => {
  const routes: Route[] = [
    { method: 'GET', path: '/a/:b/c', port: 'out[0]' },
    { method: 'GET', path: '/a/c/d', port: 'out[1]' },
    { method: 'GET', path: '/a/c/df', port: 'out[2]' },
    { method: 'GET', path: '/:e/c/f', port: 'out[3]' },
    { method: 'GET', path: '/*', port: 'out[4]' },
  ];

  it.each([
    ['/a/b/c', 'out[0]', { b: 'b' }],
    ['/a/c/d', 'out[1]', {}],
    ['/a/c/df', 'out[2]', {}],
    ['/e/c/f', 'out[3]', { e: 'e' }],
    ['/g/h/i', 'out[4]', { '*': 'g/h/i' }],
  ])('routes %s to %s with its params (static > param > wildcard)', async (path, port, params) => {
    const reply = await route(router(routes), { method: 'GET', path, body: 'x' });
    expect(reply.payload).toEqual({ port, input: { method: 'GET', path, body: 'x', params } });
  });

  it('matches / with a root wildcard, giving {"*": ""}', async () => {
    const reply = await route(router([{ method: 'GET', path: '/*', port: 'out[0]' }]), { method: 'GET', path: '/' });
    expect((reply.payload as { input: { params: object } }).input.params).toEqual({ '*': '' });
  });

  it('lets * take the rest of the path wherever it stands', async () => {
    const middle = await route(router([{ method: 'GET', path: '/a/*/c', port: 'out[0]' }]), { method: 'GET', path: '/a/b/c' });
    expect((middle.payload as { input: { params: object } }).input.params).toEqual({ '*': 'b/c' });
    const first = await route(router([{ method: 'GET', path: '/*/b/c', port: 'out[0]' }]), { method: 'GET', path: '/a/b/c' });
    expect((first.payload as { input: { params: object } }).input.params).toEqual({ '*': 'a/b/c' });
  });

  it('reads an empty path as /, adds a missing leading / and keeps \\: as a literal colon', async () => {
    expect(toPattern('')).toBe('/');
    expect(toPattern('a/b')).toBe('/a/b');
    const node = router([
      { method: 'GET', path: '', port: 'out[0]' },
      { method: 'GET', path: 'users/:id', port: 'out[1]' },
      { method: 'GET', path: '/v1\\:ping', port: 'out[2]' },
    ]);
    expect((await route(node, { method: 'GET', path: '/' })).payload).toMatchObject({ port: 'out[0]' });
    expect((await route(node, { method: 'GET', path: '/users/7' })).payload).toMatchObject({ port: 'out[1]', input: { params: { id: '7' } } });
    expect((await route(node, { method: 'GET', path: '/v1:ping' })).payload).toMatchObject({ port: 'out[2]', input: { params: {} } });
  });

  it('decodes percent-encoded params', async () => {
    const reply = await route(router([{ method: 'GET', path: '/files/:name', port: 'out' }]), { method: 'GET', path: '/files/a%20b' });
    expect(reply.payload).toMatchObject({ port: 'out', input: { params: { name: 'a b' } } });
  });

  it('answers 404 on error (a response map, not an error value) when no path matches', async () => {
    const reply = await route(router(routes.slice(0, 2)), { method: 'GET', path: '/nowhere' });
    expect(reply.payload).toEqual({ status: 404, header: {}, body: 'Not Found' });
    expect(reply.isError).toBe(false);
  });

  it('writes the 404 to a linked error port, whose reply stands', async () => {
    const node = router(routes.slice(0, 1));
    node.out('error')!.link(new InPort('in', (_process, packet) => new Packet({ handled: packet.payload })));
    expect((await route(node, { method: 'GET', path: '/x' })).payload).toEqual({ handled: { status: 404, header: {}, body: 'Not Found' } });
  });

  it('answers 405 with Allow when the path matches but the method does not', async () => {
    const node = router([
      { method: 'GET', path: '/items/:id', port: 'out[0]' },
      { method: 'put', path: '/items/:id', port: 'out[1]' },
      { method: 'POST', path: '/items', port: 'out[2]' },
    ]);
    const reply = await route(node, { method: 'DELETE', path: '/items/1' });
    expect(reply.payload).toEqual({ status: 405, header: { Allow: 'OPTIONS, GET, PUT' }, body: 'Method Not Allowed' });
    expect((await route(node, { method: 'PUT', path: '/items/1' })).payload).toMatchObject({ port: 'out[1]' });
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    const reply = await route(router([{ method: 'POST', path: '/items', port: 'out' }]), { method: 'OPTIONS', path: '/items' });
    expect(reply.payload).toEqual({ status: 204, header: { Allow: 'OPTIONS, POST' }, body: null });
  });

  it('passes a match on an unlinked out-port back as the reply', async () => {
    const reply = await route(new RouterNode([{ method: 'GET', path: '/a', port: 'out' }]), { method: 'GET', path: '/a' });
    expect(reply.payload).toEqual({ method: 'GET', path: '/a', params: {} });
  });

  it('refuses input that is not a map with method and path (ERR_ROUTER_INPUT)', async () => {
    for (const payload of ['GET /', null, [1], { method: 'GET' }, { method: 1, path: '/' }]) {
      const reply = await route(router(routes), payload);
      expect(reply.payload, JSON.stringify(payload)).toBeInstanceOf(WeftError);
      expect((reply.payload as WeftError).code).toBe('ERR_ROUTER_INPUT');
    }
  });

  it('refuses bad routes at compile time with their path (ERR_SPEC_INVALID)', async () => {
    await expect(wire([{ kind: 'router', name: 'r', routes: [{ method: 'GET', path: '/', port: 'in' }] }])).rejects.toMatchObject({
      code: 'ERR_SPEC_INVALID',
      details: [expect.objectContaining({ path: 'routes[0].port' })],
    });
    const duplicate = { method: 'GET', path: '/a', port: 'out' };
    await expect(wire([{ kind: 'router', name: 'r', routes: [duplicate, { ...duplicate, method: 'FETCH' }, duplicate] }])).rejects.toMatchObject({
      code: 'ERR_SPEC_INVALID',
      details: [expect.objectContaining({ path: 'routes[1]' }), expect.objectContaining({ path: 'routes[2]' })],
    });
  });

  it('wires out[N] links by name', async () => {
    const wired = await wire([
      {
        kind: 'router', name: 'r',
        routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }, { method: 'GET', path: '/hello/:name', port: 'out[1]' }],
        links: { 'out[0]': [{ name: 'pong', port: 'in' }], 'out[1]': [{ name: 'hello', port: 'in' }] },
      },
      { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
      { kind: 'snippet', name: 'hello', language: 'json', code: '"hi"' },
    ]);
    try {
      expect((await wired.send('r', { method: 'GET', path: '/ping' })).payload).toBe('pong');
      expect((await wired.send('r', { method: 'GET', path: '/hello/x' })).payload).toBe('hi');
    } finally {
      await wired.close();
    }
  });
});

describe('router with a listener body not decoded yet', () => {
  const lazyRequest = (path: string, decode: () => unknown): Record<string, unknown> =>
    defineLazyBody({ method: 'POST', path, body: null, status: 0 }, new LazyBody(decode));

  it('decodes it only for the route taken, keeps it undecoded towards another router, and never for a miss', async () => {
    let decoded = 0;
    const decode = (): unknown => {
      decoded++;
      return { ok: true };
    };
    const inner = router([{ method: 'POST', path: '/a/b', port: 'out[0]' }]);
    const outer = new RouterNode([{ method: 'POST', path: '/a/*', port: 'out[0]' }, { method: 'POST', path: '/x', port: 'out[1]' }]);
    outer.out('out[0]')!.link(inner.in('in')!);
    outer.out('out[1]')!.link(new InPort('in', (_process, packet) => new Packet(Object.getOwnPropertyDescriptor(packet.payload, 'body'))));
    expect((await route(outer, lazyRequest('/a/zz', decode))).payload).toMatchObject({ status: 404 });
    expect((await route(outer, lazyRequest('/nowhere', decode))).payload).toMatchObject({ status: 404 });
    expect(decoded).toBe(0);
    expect((await route(outer, lazyRequest('/a/b', decode))).payload).toMatchObject({ port: 'out[0]', input: { body: { ok: true }, params: {} } });
    expect((await route(outer, lazyRequest('/x', decode))).payload).toMatchObject({ value: { ok: true }, writable: true });
    expect(decoded).toBe(2);
  });

  it('sends a body that does not decode to error as its error', async () => {
    const node = router([{ method: 'POST', path: '/a', port: 'out[0]' }]);
    const reply = await route(node, lazyRequest('/a', () => {
      throw new WeftError('ERR_HTTP_BODY_INVALID', { type: 'json', reason: 'x' });
    }));
    expect(reply.payload).toMatchObject({ code: 'ERR_HTTP_BODY_INVALID' });
  });
});

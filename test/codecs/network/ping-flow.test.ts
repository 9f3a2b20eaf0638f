import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { wire, type Wired } from '../../harness/wire.ts';

/** The ping workflow (uniflow's benchmark and README example): listener → router → snippet. */
const ping: Spec[] = [
  {
    kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0,
    links: { out: [{ name: 'router', port: 'in' }] },
  },
  {
    kind: 'router', name: 'router',
    routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }, { method: 'GET', path: '/hello/:name', port: 'out[1]' }],
    links: { 'out[0]': [{ name: 'pong', port: 'in' }], 'out[1]': [{ name: 'greeting', port: 'in' }] },
  },
  { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
  { kind: 'snippet', name: 'greeting', language: 'yaml', code: 'status: 201\nheader: {X-Greeting: hi}\nbody: {greeting: hello}' },
];

describe('ping workflow through real HTTP', () => {
  let wired: Wired;
  let base: string;

  beforeAll(async () => {
    wired = await wire(ping);
    base = `http://127.0.0.1:${wired.node<ListenerNode>('http').port}`;
  });

  afterAll(async () => {
    await wired?.close();
  });

  const request = (path: string, init: RequestInit = {}) => fetch(base + path, { ...init, signal: AbortSignal.timeout(5000) });

  it('answers GET /ping with pong', async () => {
    const response = await request('/ping');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('pong');
  });

  it('answers a response map from a yaml snippet with its status, header and JSON body', async () => {
    const response = await request('/hello/x');
    expect(response.status).toBe(201);
    expect(response.headers.get('x-greeting')).toBe('hi');
    expect(await response.json()).toEqual({ greeting: 'hello' });
  });

  it('answers 404 Not Found for an unknown path', async () => {
    const response = await request('/nope');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not Found');
  });

  it('answers 405 with Allow for a known path and another method, 204 for OPTIONS', async () => {
    const post = await request('/ping', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('OPTIONS, GET');
    expect(await post.text()).toBe('Method Not Allowed');
    const options = await request('/ping', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('OPTIONS, GET');
  });

  it('serves concurrent requests', async () => {
    const bodies = await Promise.all(Array.from({ length: 50 }, () => request('/ping').then((response) => response.text())));
    expect(new Set(bodies)).toEqual(new Set(['pong']));
  });
});

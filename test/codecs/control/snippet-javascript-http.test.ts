import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { wire, type Wired } from '../../harness/wire.ts';

/** listener → router → javascript/typescript snippets, with a seed-style error handler (`args.error()`). */
const specs: Spec[] = [
  {
    kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0,
    links: { out: [{ name: 'router', port: 'in' }] },
  },
  {
    kind: 'router', name: 'router',
    routes: [
      { method: 'POST', path: '/orders', port: 'out[0]' },
      { method: 'GET', path: '/typed/:n', port: 'out[1]' },
      { method: 'GET', path: '/loop', port: 'out[2]' },
    ],
    links: { 'out[0]': [{ name: 'total', port: 'in' }], 'out[1]': [{ name: 'typed', port: 'in' }], 'out[2]': [{ name: 'loop', port: 'in' }] },
  },
  {
    kind: 'snippet', name: 'total', language: 'javascript', memory: 32,
    code: [
      'export default function (request) {',
      '  const items = request.body.items;',
      '  if (!Array.isArray(items)) throw new Error("items must be a list");',
      '  return { status: 201, body: { total: items.reduce((sum, item) => sum + item.price * item.quantity, 0) } };',
      '}',
    ].join('\n'),
    links: { error: [{ name: 'bad-request', port: 'in' }] },
  },
  {
    kind: 'snippet', name: 'bad-request', language: 'javascript',
    code: 'export default (args) => ({ status: 400, body: { error: args.error(), code: args.code } })',
  },
  {
    kind: 'snippet', name: 'typed', language: 'typescript',
    code: 'type Request = { params: { n: string } }\nexport default async (request: Request): Promise<{ square: number }> => ({ square: Number(request.params.n) ** 2 })',
  },
  { kind: 'snippet', name: 'loop', language: 'javascript', timeout: '200ms', code: 'export default () => { for (;;) {} }' },
];

describe('javascript snippets through real HTTP', () => {
  let wired: Wired;
  let base: string;

  beforeAll(async () => {
    wired = await wire(specs);
    base = `http://127.0.0.1:${wired.node<ListenerNode>('http').port}`;
  });

  afterAll(async () => {
    await wired?.close();
  });

  const request = (path: string, init: RequestInit = {}) => fetch(base + path, { ...init, signal: AbortSignal.timeout(5000) });
  const post = (body: unknown) => request('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers with what the snippet computed from the request body', async () => {
    const response = await post({ items: [{ price: 2.5, quantity: 2 }, { price: 1, quantity: 3 }] });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ total: 8 });
  });

  it('routes a thrown error to the error handler, which reads it with args.error()', async () => {
    const response = await post({ items: 'none' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'snippet failed: items must be a list', code: 'ERR_SNIPPET_RUNTIME' });
  });

  it('runs an async typescript snippet', async () => {
    const response = await request('/typed/12');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ square: 144 });
  });

  it('answers a snippet that loops forever with 504 at its timeout and keeps serving', async () => {
    const started = performance.now();
    const response = await request('/loop');
    expect(response.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(3000);
    const again = await post({ items: [] });
    expect(await again.json()).toEqual({ total: 0 });
  });

  it('serves many requests at once', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => post({ items: [{ price: i, quantity: 1 }] })));
    expect(await Promise.all(responses.map((response) => response.json()))).toEqual(Array.from({ length: 50 }, (_, i) => ({ total: i })));
  });
});

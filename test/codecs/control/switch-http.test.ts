import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { wire, type Wired } from '../../harness/wire.ts';

/** listener → switch on the query → snippets; the switch's errors go to the seed's catch switch. */
const flow: Spec[] = [
  { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'route', port: 'in' }] } },
  {
    kind: 'switch', name: 'route',
    matches: [
      { when: 'self.query.x[0] == "a"', port: 'out[0]' },
      { when: 'self.query.x[0].matches("^[0-9]+$") && int(self.query.x[0]) > 10', port: 'out[1]' },
      { when: 'true', port: 'out[2]' },
    ],
    links: {
      'out[0]': [{ name: 'alpha', port: 'in' }],
      'out[1]': [{ name: 'big', port: 'in' }],
      'out[2]': [{ name: 'other', port: 'in' }],
      error: [{ name: 'catch', port: 'in' }],
    },
  },
  { kind: 'snippet', name: 'alpha', language: 'cel', code: '{"case": "alpha", "path": self.path}' },
  { kind: 'snippet', name: 'big', language: 'cel', code: '{"status": 201, "body": {"case": "big", "double": int(self.query.x[0]) * 2}}' },
  { kind: 'snippet', name: 'other', language: 'cel', code: '{"status": 404, "body": {"case": "other"}}' },
  {
    kind: 'switch', name: 'catch',
    match: [{ when: 'self == "invalid argument"', port: 'out[0]' }, { when: 'true', port: 'out[1]' }],
    links: { 'out[0]': [{ name: 'status_400', port: 'in' }], 'out[1]': [{ name: 'status_500', port: 'in' }] },
  },
  { kind: 'snippet', name: 'status_400', language: 'cel', code: '{"status": 400, "body": {"error": self.message}}' },
  { kind: 'snippet', name: 'status_500', language: 'json', code: '{"status": 500, "body": {"error": "Internal Server Error", "code": "x"}}' },
];

describe('switch through real HTTP', () => {
  let wired: Wired;
  let base: string;

  beforeAll(async () => {
    wired = await wire(flow);
    base = `http://127.0.0.1:${wired.node<ListenerNode>('http').port}`;
  });

  afterAll(async () => {
    await wired?.close();
  });

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.json() };
  };

  it('routes on the query string to the first matching case', async () => {
    expect(await get('/a?x=a')).toEqual({ status: 200, body: { case: 'alpha', path: '/a' } });
    expect(await get('/b?x=21')).toEqual({ status: 201, body: { case: 'big', double: 42 } });
    expect(await get('/c?x=3')).toEqual({ status: 404, body: { case: 'other' } });
  });

  it('sends a failing condition to error, where the catch switch answers 500', async () => {
    expect(await get('/no-query')).toEqual({ status: 500, body: { error: 'Internal Server Error', code: 'x' } });
  });

  it('answers concurrent requests each with its own case', async () => {
    const paths = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? `/p${i}?x=a` : `/p${i}?x=${100 + i}`));
    const replies = await Promise.all(paths.map(get));
    replies.forEach((reply, i) => {
      expect(reply.body).toEqual(i % 2 === 0 ? { case: 'alpha', path: `/p${i}` } : { case: 'big', double: 2 * (100 + i) });
    });
  });
});

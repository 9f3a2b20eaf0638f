import { afterEach, describe, expect, it } from 'vitest';
import { Packet, Scheme } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { testContext } from '../../harness/wire.ts';

const opened: TestServer[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

async function serve(spec: Record<string, unknown>, calls: { count: number }): Promise<TestServer> {
  const server = await startListener({ out: () => { calls.count += 1; return new Packet('ok'); } }, testContext(), spec);
  opened.push(server);
  return server;
}

const ORIGIN = 'https://app.example.com';

describe('listener cors', () => {
  it('answers a preflight from an allowed origin itself (204) without running the workflow', async () => {
    const calls = { count: 0 };
    const server = await serve({ cors: { origins: [ORIGIN], methods: ['GET', 'POST'], credentials: true, maxAge: '10m' } }, calls);
    const response = await server.fetch('/x', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toContain('Origin');
    expect(calls.count).toBe(0);
  });

  it('refuses a preflight from another origin with 403 and no CORS headers', async () => {
    const calls = { count: 0 };
    const server = await serve({ cors: { origins: [ORIGIN] } }, calls);
    const response = await server.fetch('/x', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ERR_CORS_ORIGIN_NOT_ALLOWED');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(calls.count).toBe(0);
  });

  it('adds Allow-Origin to the workflow reply for an allowed origin only', async () => {
    const calls = { count: 0 };
    const server = await serve({ cors: { origins: [ORIGIN], exposeHeaders: ['x-total'] } }, calls);
    const allowed = await server.fetch('/', { headers: { origin: ORIGIN } });
    expect(await allowed.text()).toBe('ok');
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('x-total');
    const other = await server.fetch('/', { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toContain('Origin');
    expect(calls.count).toBe(2);
  });

  it('refuses origins "*" with credentials at validate, naming the field', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const problems = scheme.validate({ kind: 'listener', name: 'h', protocol: 'http', port: 0, cors: { origins: '*', credentials: true } });
    expect(problems.map((problem) => problem.path)).toContain('cors.credentials');
  });
});

describe('listener rateLimit', () => {
  it('answers 429 with Retry-After and ERR_RATE_LIMITED past max, per client header, and lives on', async () => {
    const calls = { count: 0 };
    const server = await serve({ rateLimit: { max: 2, window: '1m', by: 'header:x-api-key' } }, calls);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await server.fetch('/', { headers: { 'x-api-key': 'a' } })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await server.fetch('/', { headers: { 'x-api-key': 'a' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');
    expect((await server.fetch('/', { headers: { 'x-api-key': 'b' } })).status).toBe(200);
    expect(calls.count).toBe(3);
  });

  it('opens a new window once the old one ends', async () => {
    const calls = { count: 0 };
    const server = await serve({ rateLimit: { max: 1, window: '300ms' } }, calls);
    expect((await server.fetch('/')).status).toBe(200);
    expect((await server.fetch('/')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await server.fetch('/')).status).toBe(200);
  });
});

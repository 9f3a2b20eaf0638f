import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, Packet, Scheme, TokenRegistry, TokenVerifier, type Role } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { eventually } from '../../harness/cli.ts';
import { testContext } from '../../harness/wire.ts';

const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

const SECRET = 'a-shared-secret-of-at-least-32-characters';

interface Fixture {
  readonly server: TestServer;
  readonly registry: TokenRegistry;
  /** The payloads the workflow received. */
  readonly seen: Record<string, unknown>[];
}

async function serve(auth: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Fixture> {
  const store = new MemoryStore();
  opened.push({ close: () => store.close() });
  const registry = new TokenRegistry(store);
  const tokens = new TokenVerifier({ registry, ttlMs: 100 });
  const seen: Record<string, unknown>[] = [];
  const server = await startListener({
    out: (_process, packet) => {
      seen.push(packet.payload as Record<string, unknown>);
      return new Packet('ok');
    },
  }, testContext({ tokens }), { auth, ...extra });
  opened.push(server);
  return { server, registry, seen };
}

async function tokenOf(registry: TokenRegistry, role: Role): Promise<string> {
  return (await registry.create({ name: `t-${role}-${Math.random().toString(36).slice(2, 8)}`, role })).token;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const codeOf = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;

function hs256(claims: Record<string, unknown>, options: { secret?: string; expires?: string } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setSubject('alice').setExpirationTime(options.expires ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('listener auth: weft API tokens', () => {
  it('answers 401 ERR_AUTH_REQUIRED with a Bearer challenge, without running the workflow, to a request without or with a bad token', async () => {
    const { server, seen, registry } = await serve({});
    const none = await server.fetch('/');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await codeOf(none)).toBe('ERR_AUTH_REQUIRED');
    const good = await tokenOf(registry, 'read');
    const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const token of [forged, 'weft_tok000000000000_' + 'x'.repeat(43), 'not-a-token']) {
      const refused = await server.fetch('/', { headers: bearer(token) });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await codeOf(refused)).toBe('ERR_AUTH_REQUIRED');
    }
    expect(seen).toHaveLength(0);
  });

  it('runs the workflow for a valid token with self.auth naming the token and its role, never the secret', async () => {
    const { server, seen, registry } = await serve({});
    const { token, info } = await registry.create({ name: 'ci-bot', role: 'write' });
    const response = await server.fetch('/', { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.auth).toEqual({ method: 'token', id: info.id, name: 'ci-bot', role: 'write' });
    expect(JSON.stringify(seen[0]!.auth)).not.toContain(token.slice(-20));
  });

  it('with role: by-method lets a read token GET and refuses its POST with 403 ERR_AUTH_FORBIDDEN; a write token may POST', async () => {
    const { server, seen, registry } = await serve({ role: 'by-method' });
    const read = await tokenOf(registry, 'read');
    const write = await tokenOf(registry, 'write');
    expect((await server.fetch('/', { headers: bearer(read) })).status).toBe(200);
    const refused = await server.fetch('/', { method: 'POST', headers: bearer(read), body: 'x' });
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe('ERR_AUTH_FORBIDDEN');
    expect((await server.fetch('/', { method: 'POST', headers: bearer(write), body: 'x' })).status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it('refuses a token within a second of its revocation', async () => {
    const { server, registry } = await serve({});
    const { token, info } = await registry.create({ name: 'soon-gone', role: 'read' });
    expect((await server.fetch('/', { headers: bearer(token) })).status).toBe(200);
    await registry.revoke([info.id]);
    const revokedAt = Date.now();
    await eventually(async () => ((await server.fetch('/', { headers: bearer(token) })).status === 401 ? true : undefined), 1000, 'the revoked token to be refused');
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('answers a CORS preflight without credentials and still requires them for the request itself', async () => {
    const origin = 'https://app.example.com';
    const { server, seen } = await serve({}, { cors: { origins: [origin], methods: ['GET'] } });
    const preflight = await server.fetch('/', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const unauthenticated = await server.fetch('/', { headers: { origin } });
    expect(unauthenticated.status).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('checks a WebSocket handshake too, taking ?access_token= when there is no Authorization header', async () => {
    const { server, seen, registry } = await serve({});
    const token = await tokenOf(registry, 'read');
    const handshake = (path: string): Promise<number> => new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}${path}`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }, timeout: 5000 });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('upgrade', (_response, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('error', reject);
      req.end();
    });
    expect(await handshake('/chat')).toBe(401);
    expect(seen).toHaveLength(0);
    // No upgrader takes the socket over here: the workflow's reply (200) is written on it.
    expect(await handshake(`/chat?access_token=${encodeURIComponent(token)}`)).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.auth).toMatchObject({ method: 'token', role: 'read' });
  });
});

describe('listener auth: JWT', () => {
  it('accepts an HS256 JWT signed with the shared secret and exposes its claims as self.auth.claims', async () => {
    const { server, seen } = await serve({ tokens: false, jwt: { secret: SECRET, issuer: 'https://idp.test' } });
    const jwt = await new SignJWT({ role: ['read', 'write'], tenant: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp.test').setSubject('alice').setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const response = await server.fetch('/', { headers: bearer(jwt) });
    expect(response.status).toBe(200);
    expect(seen[0]!.auth).toMatchObject({ method: 'jwt', id: 'alice', name: 'alice', role: 'write', claims: { tenant: 'acme', iss: 'https://idp.test' } });
  });

  it('refuses an expired JWT, a wrong signature, a wrong issuer and a JWT without a role, each with 401', async () => {
    const { server, seen } = await serve({ tokens: false, jwt: { secret: SECRET, issuer: 'https://idp.test' } });
    const sign = (claims: Record<string, unknown>, issuer: string, secret = SECRET, expires = '5m'): Promise<string> =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setSubject('bob').setExpirationTime(expires).sign(new TextEncoder().encode(secret));
    const tokens = [
      await sign({ role: 'read' }, 'https://idp.test', SECRET, Math.floor(Date.now() / 1000) - 60 as unknown as string),
      await sign({ role: 'read' }, 'https://idp.test', 'another-secret-that-is-also-32-chars-long'),
      await sign({ role: 'read' }, 'https://evil.test'),
      await sign({}, 'https://idp.test'),
    ];
    for (const token of tokens) {
      const response = await server.fetch('/', { headers: bearer(token) });
      expect(response.status, token).toBe(401);
      expect(await codeOf(response)).toBe('ERR_AUTH_REQUIRED');
    }
    expect(seen).toHaveLength(0);
  });

  it('gives a JWT without the role claim the defaultRole when one is set', async () => {
    const { server, seen } = await serve({ tokens: false, jwt: { secret: SECRET, defaultRole: 'read' } });
    expect((await server.fetch('/', { headers: bearer(await hs256({})) })).status).toBe(200);
    expect(seen[0]!.auth).toMatchObject({ method: 'jwt', role: 'read' });
  });

  it('verifies an RS256 JWT against a JWKS served over HTTP, and answers 503 ERR_AUTH_UNAVAILABLE when the JWKS cannot be fetched', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    opened.push({ close: () => new Promise<void>((resolve) => jwks.close(() => resolve())) });
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const { server, seen } = await serve({ tokens: false, jwt: { jwks: url, audience: 'weft' } });
    const jwt = await new SignJWT({ role: 'read' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setAudience('weft').setSubject('svc').setExpirationTime('5m').sign(privateKey);
    expect((await server.fetch('/', { headers: bearer(jwt) })).status).toBe(200);
    expect(seen[0]!.auth).toMatchObject({ method: 'jwt', name: 'svc', role: 'read' });

    const gone = await serve({ tokens: false, jwt: { jwks: 'http://127.0.0.1:1/jwks.json' } });
    const unavailable = await gone.server.fetch('/', { headers: bearer(jwt) });
    expect(unavailable.status).toBe(503);
    expect(await codeOf(unavailable)).toBe('ERR_AUTH_UNAVAILABLE');
  });
});

describe('listener auth: validation', () => {
  it('names auth.jwt when it has both or neither of secret and jwks, and auth when it accepts nothing', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (auth: unknown): string[] => scheme.validate({ kind: 'listener', name: 'h', protocol: 'http', port: 0, auth }).map((problem) => problem.path);
    expect(paths({ jwt: { secret: SECRET, jwks: 'https://idp.test/jwks' } })).toContain('auth.jwt');
    expect(paths({ jwt: {} })).toContain('auth.jwt');
    expect(paths({ tokens: false })).toContain('auth');
    expect(paths({ role: 'root' })).toContain('auth.role');
    expect(paths({ role: 'by-method', jwt: { secret: SECRET } })).toEqual([]);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

type Engine = ReturnType<typeof spawnWeft>;

async function stop(children: readonly (Engine | undefined)[]): Promise<void> {
  for (const child of children) await stopWeft(child);
}

const codeOf = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;

describe('the admin API requires a token by default (weft start -n system), and revocation reaches every engine on the store', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let admin: Engine;
  let engine: Engine;
  let base: string;
  let appPort: number;
  const tokens: Record<'read' | 'write', string> = { read: '', write: '' };

  const api = (path: string, token?: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }, signal: AbortSignal.timeout(5000) });

  beforeAll(async () => {
    dir = tempDir();
    const adminPort = await freePort();
    appPort = await freePort();
    base = `http://127.0.0.1:${adminPort}`;
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info', WEFT_SYSTEM_PORT: String(adminPort) };
    for (const role of ['read', 'write'] as const) {
      const created = await weft(['token', 'create', `e2e-${role}`, '--role', role], { cwd: dir.path, env });
      expect(created.code, created.stderr).toBe(0);
      tokens[role] = created.stdout.trim();
    }
    // A workflow of another namespace on the same store, behind a listener with auth (API tokens).
    const app = [
      { kind: 'listener', name: 'app', protocol: 'http', host: '127.0.0.1', port: appPort, auth: { role: 'read' }, links: { out: [{ name: 'hello', port: 'in' }] } },
      { kind: 'snippet', name: 'hello', language: 'cel', code: '"hello " + self.auth.name' },
    ];
    const applied = await weft(['apply', '-f', '-'], { cwd: dir.path, env, stdin: JSON.stringify(app) });
    expect(applied.code, applied.stderr).toBe(0);
    admin = spawnWeft(['start', '-n', 'system'], { cwd: dir.path, env });
    engine = spawnWeft(['start'], { cwd: dir.path, env });
    await eventually(async () => ((await api('/v1/specs', tokens.read)).status === 200 ? true : undefined), 15_000, 'the admin API to answer');
    await eventually(async () => (engine.output().includes('weft is running') ? true : undefined), 15_000, 'the default engine');
  }, 40_000);

  afterAll(async () => {
    await stop([admin, engine]);
    dir?.remove();
  });

  it('answers 401 ERR_AUTH_REQUIRED without a token and with a made-up one', async () => {
    const none = await api('/v1/specs');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await codeOf(none)).toBe('ERR_AUTH_REQUIRED');
    const forged = await api('/v1/specs', tokens.read.slice(0, -3) + 'zzz');
    expect(forged.status).toBe(401);
  });

  it('lets a read token list specs and refuses its writes with 403 ERR_AUTH_FORBIDDEN; a write token writes', async () => {
    expect((await api('/v1/specs', tokens.read)).status).toBe(200);
    const body = JSON.stringify({ kind: 'nop', name: `nop-${Date.now()}` });
    const refused = await api('/v1/specs', tokens.read, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe('ERR_AUTH_FORBIDDEN');
    const created = await api('/v1/specs', tokens.write, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(created.status, await created.clone().text()).toBe(201);
  });

  it('serves the workflow behind a listener with auth, which sees the token\'s name as self.auth.name', async () => {
    const response = await fetch(`http://127.0.0.1:${appPort}/`, { headers: { authorization: `Bearer ${tokens.read}` }, signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello e2e-read');
    expect((await fetch(`http://127.0.0.1:${appPort}/`, { signal: AbortSignal.timeout(5000) })).status).toBe(401);
  });

  it('keeps only a hash: the token list and the raw values table never hold a token\'s secret', async () => {
    const listed = await weft(['token', 'list', '-o', 'json'], { cwd: dir.path, env });
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout) as { name: string; role: string; hash?: string }[];
    expect(list.map((token) => [token.name, token.role])).toEqual(expect.arrayContaining([['e2e-read', 'read'], ['e2e-write', 'write']]));
    expect(list.every((token) => token.hash === undefined)).toBe(true);
    const database = new DatabaseSync(join(dir.path, 'weft.db'), { readOnly: true });
    try {
      const raw = JSON.stringify(database.prepare('SELECT * FROM weft_values').all());
      for (const token of Object.values(tokens)) expect(raw).not.toContain(token.split('_').slice(2).join('_'));
      expect(raw).toContain('e2e-read');
    } finally {
      database.close();
    }
  });

  it('refuses a revoked token within 1 s on both engines sharing the store', async () => {
    const app = (): Promise<Response> => fetch(`http://127.0.0.1:${appPort}/`, { headers: { authorization: `Bearer ${tokens.read}` }, signal: AbortSignal.timeout(5000) });
    expect((await app()).status).toBe(200);
    expect((await api('/v1/specs', tokens.read)).status).toBe(200);
    const revoked = await weft(['token', 'revoke', 'e2e-read'], { cwd: dir.path, env });
    expect(revoked.code, revoked.stderr).toBe(0);
    const at = Date.now();
    await eventually(async () => ((await api('/v1/specs', tokens.read)).status === 401 ? true : undefined), 1000, 'the admin engine to refuse the revoked token');
    await eventually(async () => ((await app()).status === 401 ? true : undefined), 1000, 'the other engine to refuse the revoked token');
    expect(Date.now() - at).toBeLessThan(1000);
    expect((await api('/v1/specs', tokens.write)).status).toBe(200);
  });
});

describe('weft start -n system --insecure', () => {
  let dir: ReturnType<typeof tempDir>;
  let admin: Engine;

  afterAll(async () => {
    await stop([admin]);
    dir?.remove();
  });

  it('serves the admin API without a token and logs a warning saying so', async () => {
    dir = tempDir();
    const port = await freePort();
    const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info', WEFT_SYSTEM_PORT: String(port) };
    admin = spawnWeft(['start', '-n', 'system', '--insecure'], { cwd: dir.path, env });
    await eventually(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/v1/specs`, { signal: AbortSignal.timeout(1000) })).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 15_000, 'the insecure admin API to answer without a token');
    expect(admin.output()).toMatch(/authentication is off \(--insecure\)/);
  }, 30_000);
});

describe('the admin API with auth.jwt in weft.config.yaml', () => {
  let dir: ReturnType<typeof tempDir>;
  let admin: Engine;

  afterAll(async () => {
    await stop([admin]);
    dir?.remove();
  });

  it('takes JWTs signed with the configured secret, with the role from the claim', async () => {
    dir = tempDir();
    const port = await freePort();
    const secret = 'an-admin-jwt-secret-of-32-characters-or-more';
    writeFileSync(join(dir.path, 'weft.config.yaml'), `auth:\n  jwt:\n    secret: ${secret}\n    issuer: https://idp.test\n`);
    const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info', WEFT_SYSTEM_PORT: String(port) };
    admin = spawnWeft(['start', '-n', 'system'], { cwd: dir.path, env });
    const jwt = (claims: Record<string, unknown>): Promise<string> =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp.test').setSubject('ops-team').setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const post = async (token: string): Promise<Response> => fetch(`http://127.0.0.1:${port}/v1/specs`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'nop', name: `n-${Date.now()}-${Math.random().toString(36).slice(2, 6)}` }), signal: AbortSignal.timeout(5000),
    });
    const writer = await jwt({ role: 'write' });
    await eventually(async () => {
      try {
        return (await post(writer)).status === 201 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 15_000, 'the admin API to take a write JWT');
    expect((await post(await jwt({ role: 'read' }))).status).toBe(403);
    const roleless = await post(await jwt({}));
    expect(roleless.status).toBe(401);
    expect(await codeOf(roleless)).toBe('ERR_AUTH_REQUIRED');
  }, 30_000);
});

describe('docs', () => {
  it('docs/auth.md documents weft token and --insecure', () => {
    const text = readFileSync(new URL('../../docs/auth.md', import.meta.url), 'utf8');
    for (const phrase of ['weft token create', 'weft token revoke', '--insecure', 'self.auth', 'jwks']) expect(text).toContain(phrase);
  });
});

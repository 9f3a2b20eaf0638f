import { gzipSync } from 'node:zlib';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, Runtime, specSyscalls, type SpecFilter, type StoredSpec, type Syscall, type WeftError } from '../../src/index.ts';
import { adminNetworkPolicy } from '../../cli/admin-network-policy.ts';
import { loadConfig } from '../../cli/config.ts';
import { createLanguages, createScheme } from '../../cli/context.ts';
import { seedSystemNamespace } from '../../cli/seed-system-namespace.ts';
import { capturingLogger } from '../harness/capture-logger.ts';
import { freePort } from '../harness/cli.ts';
import { exchange, statusOf } from '../harness/raw-http.ts';

interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** The shipped admin API in this process, as `weft start -n system` runs it (its network policy included). */
describe('the admin API against abuse (system namespace, in-process)', () => {
  const logger = capturingLogger();
  let runtime: Runtime;
  let store: MemoryStore;
  let port: number;

  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
  const code = async (response: Response): Promise<string> => ((await response.json()) as ErrorBody).error.code;
  const find = (filter: SpecFilter): Promise<StoredSpec[]> => store.find(filter);

  beforeAll(async () => {
    port = await freePort();
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from(['']), env: { WEFT_SYSTEM_PORT: String(port) }, cwd: process.cwd() };
    const config = loadConfig(io, { namespace: 'system', store: 'memory://' });
    store = new MemoryStore();
    const scheme = createScheme();
    const syscalls = new Map<string, Syscall>(specSyscalls({ store, scheme, namespace: 'system' }));
    const read = syscalls.get('specs.read')!;
    // A read that fails as a bug would, to see how the API answers and logs an internal error.
    syscalls.set('specs.read', (process, payload) => {
      if (String((payload as { name?: unknown } | null)?.name) === 'explode') throw new Error('secret detail');
      return read(process, payload);
    });
    await seedSystemNamespace(io, { store, scheme, logger });
    runtime = new Runtime({ namespace: 'system', store, scheme, languages: createLanguages('in-process'), logger, syscalls, network: adminNetworkPolicy(config) });
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('serves loopback names only: another Host gets 403 ERR_HTTP_HOST_NOT_ALLOWED (DNS rebinding)', async () => {
    const ok = await exchange(port, 'GET /v1/specs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(statusOf(ok.response)).toBe(200);
    const rebound = await exchange(port, 'GET /v1/specs HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n');
    expect(statusOf(rebound.response)).toBe(403);
    expect(rebound.response).toContain('ERR_HTTP_HOST_NOT_ALLOWED');
  });

  it('binds a posted system listener without host to loopback, and refuses one on 0.0.0.0', async () => {
    const [inner, wide] = [await freePort(), await freePort()];
    const created = await api('/v1/specs', {
      method: 'POST', headers: JSON_TYPE,
      body: JSON.stringify([
        { kind: 'listener', namespace: 'system', name: 'extra', protocol: 'http', port: inner, links: { out: [{ name: 'router', port: 'in' }] } },
        { kind: 'listener', namespace: 'system', name: 'wide', protocol: 'http', host: '0.0.0.0', port: wide, links: { out: [{ name: 'router', port: 'in' }] } },
      ]),
    });
    expect(created.status).toBe(201);
    await expect.poll(() => runtime.status().find((node) => node.name === 'extra')?.state, { timeout: 3000 }).toBe('active');
    expect((runtime.table.byName('extra')!.node as unknown as { address(): { host: string } }).address().host).toBe('127.0.0.1');
    await expect.poll(() => (runtime.status().find((node) => node.name === 'wide')?.error as WeftError | undefined)?.code, { timeout: 3000 }).toBe('ERR_LISTEN_NOT_ALLOWED');
    for (const spec of await find({ namespace: 'system', name: ['extra', 'wide'] })) {
      expect((await api(`/v1/specs/${spec.id}?force=true`, { method: 'DELETE' })).status).toBe(204);
    }
  });

  it('refuses a PATCH of its own router without ?force=true (412), so the API cannot be locked out by mistake', async () => {
    const [router] = await find({ namespace: 'system', name: 'router' });
    const refused = await api(`/v1/specs/${router!.id}`, { method: 'PATCH', headers: JSON_TYPE, body: JSON.stringify({ routes: [] }) });
    expect(refused.status).toBe(412);
    expect(await code(refused)).toBe('ERR_NAMESPACE_PROTECTED');
    const smuggled = await api(`/v1/specs/${router!.id}`, { method: 'PATCH', headers: JSON_TYPE, body: JSON.stringify({ routes: [], force: true }) });
    expect(smuggled.status).toBe(412);
    expect((await find({ id: router!.id }))[0]!.revision).toBe(router!.revision);
    const forced = await api(`/v1/specs/${router!.id}?force=true`, { method: 'PATCH', headers: JSON_TYPE, body: JSON.stringify({ annotations: { touched: 'yes' } }) });
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({ annotations: { touched: 'yes' } });
    expect((await api('/v1/specs?namespace=system&name=router')).status).toBe(200);
  });

  it('logs an internal error once, with the query values redacted, and answers a generic 500', async () => {
    const before = logger.lines.length;
    for (let i = 0; i < 3; i++) {
      const response = await api('/v1/specs?name=explode');
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } });
    }
    const logged = logger.lines.slice(before).filter((line) => line.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.fields).toMatchObject({ url: '/v1/specs?name=[redacted]', method: 'GET' });
  });

  it('answers a body over the limit (a spec with 100 000 annotations) with a 413 JSON error the client reads', async () => {
    const annotations = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key-${i}`, `value-${i}`]));
    const body = JSON.stringify({ kind: 'snippet', name: 'huge', language: 'text', code: 'x', annotations });
    expect(body.length).toBeGreaterThan(2_000_000);
    const response = await api('/v1/specs', { method: 'POST', headers: JSON_TYPE, body });
    expect(response.status).toBe(413);
    expect(await code(response)).toBe('ERR_HTTP_BODY_TOO_LARGE');
    expect(await find({ name: 'huge' })).toEqual([]);
  });

  it('answers bodies that do not decode with 400 and bodies that expand too far with 413, in its JSON shape', async () => {
    const corrupt = await api('/v1/specs', { method: 'POST', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(corrupt.status).toBe(400);
    expect(await code(corrupt)).toBe('ERR_HTTP_BODY_INVALID');
    const bomb = await api('/v1/specs', { method: 'POST', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(' '.repeat(8 * 1024 * 1024)) });
    expect(bomb.status).toBe(413);
    expect(await code(bomb)).toBe('ERR_HTTP_BODY_TOO_LARGE');
    const stacked = await api('/v1/specs', { method: 'POST', headers: { ...JSON_TYPE, 'content-encoding': 'gzip, gzip' }, body: gzipSync(gzipSync('{}')) });
    expect(stacked.status).toBe(415);
    expect(await code(stacked)).toBe('ERR_HTTP_ENCODING_UNSUPPORTED');
  });
});

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, Runtime, silentLogger, specSyscalls, type SpecFilter, type SpecStore } from '../../src/index.ts';
import { createLanguages, createScheme } from '../../cli/context.ts';
import { seedSystemNamespace } from '../../cli/seed-system-namespace.ts';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

type Engine = ReturnType<typeof spawnWeft>;
type Json = Record<string, unknown> & { id: string; revision: number };
interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly problems: readonly { path: string; code: string }[] };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** The three specs of a ping workflow listening on `port`, with random names. */
function pingWorkflow(port: number, reply: string): { specs: object[]; names: { listener: string; router: string; pong: string } } {
  const suffix = randomUUID().slice(0, 8);
  const names = { listener: `listener-${suffix}`, router: `router-${suffix}`, pong: `pong-${suffix}` };
  return {
    names,
    specs: [
      { kind: 'listener', name: names.listener, protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: names.router, port: 'in' }] } },
      { kind: 'router', name: names.router, routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }], links: { 'out[0]': [{ name: names.pong, port: 'in' }] } },
      { kind: 'snippet', name: names.pong, language: 'text', code: reply },
    ],
  };
}

describe('the shipped admin API (weft start -n system), through real HTTP', () => {
  let dir: ReturnType<typeof tempDir>;
  let admin: Engine;
  let engine: Engine;
  let base: string;
  /** An admin token: the admin API requires one (docs/auth.md). */
  let token: string;

  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(5000) });
  const send = (method: string, path: string, body: unknown): Promise<Response> => api(path, { method, headers: JSON_TYPE, body: JSON.stringify(body) });
  const ping = async (port: number): Promise<string | undefined> => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(500) });
      return response.status === 200 ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  };
  const createPing = async (reply = 'pong'): Promise<{ port: number; created: Json[]; names: ReturnType<typeof pingWorkflow>['names'] }> => {
    const port = await freePort();
    const { specs, names } = pingWorkflow(port, reply);
    const response = await send('POST', '/v1/specs', specs);
    expect(response.status, await response.clone().text()).toBe(201);
    return { port, created: (await response.json()) as Json[], names };
  };

  beforeAll(async () => {
    dir = tempDir();
    const adminPort = await freePort();
    base = `http://127.0.0.1:${adminPort}`;
    const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info', WEFT_SYSTEM_PORT: String(adminPort) };
    token = (await weft(['token', 'create', 'admin-e2e', '--role', 'admin'], { cwd: dir.path, env })).stdout.trim();
    admin = spawnWeft(['start', '-n', 'system'], { cwd: dir.path, env });
    engine = spawnWeft(['start'], { cwd: dir.path, env });
    await eventually(async () => ((await api('/v1/specs')).status === 200 ? true : undefined), 15_000, 'the admin API to answer');
    await eventually(async () => (engine.output().includes('weft is running') ? true : undefined), 15_000, 'the default engine');
  }, 40_000);

  afterAll(async () => {
    for (const child of [admin, engine]) await stopWeft(child);
    dir?.remove();
  });

  it('creates specs of another namespace that its engine serves within 1 s, with 201 and Location', async () => {
    const startedAt = Date.now();
    const { port, created, names } = await createPing('pong');
    expect(created.map((spec) => [spec.namespace, spec.name, spec.revision])).toEqual([
      ['default', names.listener, 1], ['default', names.router, 1], ['default', names.pong, 1],
    ]);
    await eventually(async () => ((await ping(port)) === 'pong' ? true : undefined), 1000, 'the created workflow to answer');
    expect(Date.now() - startedAt).toBeLessThan(1500);

    const one = await send('POST', '/v1/specs', { kind: 'nop', name: `nop-${randomUUID().slice(0, 8)}` });
    expect(one.status).toBe(201);
    const stored = (await one.json()) as Json;
    expect(one.headers.get('location')).toBe(`/v1/specs/${stored.id}`);
  });

  it('lists with namespace, name and kind filters, and gets by id (404 for an unknown id)', async () => {
    const { created, names } = await createPing();
    const list = async (query: string): Promise<string[]> => {
      const response = await api(`/v1/specs${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as Json[]).map((spec) => `${String(spec.namespace)}/${String(spec.name)}`);
    };
    expect(await list(`?name=${names.pong}`)).toEqual([`default/${names.pong}`]);
    expect(await list(`?name=${names.pong}&name=${names.router}`)).toEqual([`default/${names.router}`, `default/${names.pong}`]);
    expect(await list('')).toEqual(expect.arrayContaining([`default/${names.listener}`, `default/${names.pong}`]));
    expect((await list('')).some((entry) => entry.startsWith('system/'))).toBe(false);
    expect(await list('?namespace=system&kind=listener')).toEqual(['system/listener']);
    expect(await list(`?namespace=nowhere&name=${names.pong}`)).toEqual([]);

    const got = await api(`/v1/specs/${created[2]!.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(created[2]);
    const missing = await api(`/v1/specs/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('ERR_SPEC_NOT_FOUND');
    const badQuery = await api('/v1/specs?nmae=x');
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as ErrorBody).error.code).toBe('ERR_SYSCALL_PAYLOAD');
  });

  it('patches with merge-patch semantics (served within 1 s), and answers 409 for a stale revision', async () => {
    const { port, created } = await createPing('pong');
    await eventually(async () => ((await ping(port)) === 'pong' ? true : undefined), 1000, 'the workflow');
    const pong = created[2]!;
    const patched = await send('PATCH', `/v1/specs/${pong.id}`, { code: 'pong v2', revision: 1, annotations: { owner: 'ops' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: pong.id, code: 'pong v2', language: 'text', revision: 2, annotations: { owner: 'ops' } });
    await eventually(async () => ((await ping(port)) === 'pong v2' ? true : undefined), 1000, 'the patched reply');

    const stale = await send('PATCH', `/v1/specs/${pong.id}`, { code: 'lost', revision: 1 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error.code).toBe('ERR_REVISION_CONFLICT');
    const removed = await send('PATCH', `/v1/specs/${pong.id}`, { annotations: { owner: null } });
    expect(await removed.json()).toMatchObject({ revision: 3, annotations: {} });
    const unknown = await send('PATCH', `/v1/specs/${randomUUID()}`, { code: 'x' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('ERR_SPEC_NOT_FOUND');
    const taken = await send('PATCH', `/v1/specs/${pong.id}`, { name: created[1]!.name });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as ErrorBody).error.code).toBe('ERR_NAME_TAKEN');
  });

  it('answers 400 listing every problem for bad bodies, and writes nothing', async () => {
    const name = `bad-${randomUUID().slice(0, 8)}`;
    const one = await send('POST', '/v1/specs', { kind: 'snippet', name, language: 'text', colour: 'red' });
    expect(one.status).toBe(400);
    const body = (await one.json()) as ErrorBody;
    expect(body.error.code).toBe('ERR_SPEC_INVALID');
    expect(body.error.problems.map((problem) => problem.path).sort()).toEqual(['code', 'colour']);
    expect(body.error.message).toContain('colour');

    const several = await send('POST', '/v1/specs', [{ kind: 'snippet', name, language: 'text' }, { kind: 'nope', name: `${name}-2` }]);
    expect(several.status).toBe(400);
    const listed = (await several.json()) as ErrorBody;
    expect(listed.error.code).toBe('ERR_SPECS_INVALID');
    expect(listed.error.problems.map((problem) => [problem.path, problem.code])).toEqual([['[0].code', 'ERR_SPEC_INVALID'], ['[1].kind', 'ERR_KIND_UNKNOWN']]);

    const notJson = await api('/v1/specs', { method: 'POST', headers: JSON_TYPE, body: '{"kind": ' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ErrorBody).error.code).toBe('ERR_HTTP_BODY_INVALID');
    const empty = await api('/v1/specs', { method: 'POST' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.code).toBe('ERR_SYSCALL_PAYLOAD');

    const { created } = await createPing();
    for (const patch of [[{ code: 'x' }], 'code', { code: 5 }]) {
      const response = await send('PATCH', `/v1/specs/${created[2]!.id}`, patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
    }
    expect(((await (await api(`/v1/specs?name=${name}`)).json()) as unknown[]).length).toBe(0);
    expect(((await (await api(`/v1/specs/${created[2]!.id}`)).json()) as Json).revision).toBe(1);
  });

  it('answers 409 for a duplicate name', async () => {
    const { names } = await createPing();
    const duplicate = await send('POST', '/v1/specs', { kind: 'nop', name: names.pong });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as ErrorBody).error.code).toBe('ERR_NAME_TAKEN');
  });

  it('deletes by id with 204 (the route goes away), 404 after; its own specs only with ?force=true', async () => {
    const { port, created } = await createPing('pong');
    await eventually(async () => ((await ping(port)) === 'pong' ? true : undefined), 1000, 'the workflow');
    const deleted = await api(`/v1/specs/${created[0]!.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    await eventually(async () => ((await ping(port)) === undefined ? true : undefined), 1000, 'the listener to close');
    expect((await api(`/v1/specs/${created[0]!.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/v1/specs/${created[1]!.id}`)).status).toBe(200);

    const [own] = (await (await api('/v1/specs?namespace=system&name=router')).json()) as Json[];
    const refused = await api(`/v1/specs/${own!.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(412);
    const protectedBody = (await refused.json()) as ErrorBody;
    expect(protectedBody.error.code).toBe('ERR_NAMESPACE_PROTECTED');
    expect(protectedBody.error.problems.map((problem) => [problem.path, problem.code])).toEqual([['force', 'ERR_NAMESPACE_PROTECTED']]);
    expect((await api('/v1/specs')).status).toBe(200);
  });

  it('answers JSON 404 for unknown paths and 405 with Allow for unknown methods', async () => {
    const unknown = await api('/v2/nothing');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: 'Not Found' } });
    const wrong = await api('/v1/specs', { method: 'PUT', headers: JSON_TYPE, body: '{}' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('OPTIONS, GET, POST');
    expect(await wrong.json()).toEqual({ error: { message: 'Method Not Allowed' } });
  });
});

describe('the shipped admin API on an in-process Runtime', () => {
  it('answers a generic 500 for an internal failure, without its message', async () => {
    const store = new MemoryStore();
    // Fault injection around a real store: reading the name "explode" fails like a broken disk.
    const failing: SpecStore = {
      url: store.url,
      find: async (filter?: SpecFilter) => {
        if ([filter?.name].flat().includes('explode')) throw new Error('disk on fire');
        return await store.find(filter);
      },
      insert: (specs) => store.insert(specs),
      update: (specs) => store.update(specs),
      upsert: (specs) => store.upsert(specs),
      delete: (filter) => store.delete(filter),
      acquireLease: (key, holder, ttlMs, data) => store.acquireLease(key, holder, ttlMs, data),
      releaseLease: (key, holder) => store.releaseLease(key, holder),
      watch: (filter, options) => store.watch(filter, options),
      close: () => store.close(),
    };
    const port = await freePort();
    const scheme = createScheme();
    const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: { WEFT_SYSTEM_PORT: String(port) }, cwd: process.cwd() };
    await seedSystemNamespace(io, { store, scheme, logger: silentLogger });
    const runtime = new Runtime({
      namespace: 'system', store: failing, scheme, languages: createLanguages(), syscalls: specSyscalls({ store: failing, scheme, namespace: 'system' }),
    });
    try {
      await runtime.start();
      const url = `http://127.0.0.1:${port}/v1/specs`;
      await eventually(async () => ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200 ? true : undefined), 10_000, 'the API');
      const response = await fetch(`${url}?name=explode`, { signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } });
      expect(text).not.toContain('disk on fire');
    } finally {
      await runtime.close();
    }
  });
});

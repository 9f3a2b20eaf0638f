import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

const SEED = readFileSync(new URL('../../examples/system.yaml', import.meta.url), 'utf8');
const JSON_TYPE = { 'content-type': 'application/json' };

type Stored = Record<string, unknown> & { id: string; name: string; namespace: string; revision: number };

describe('examples/system.yaml (the seed\'s admin workflow, unchanged) on weft start -n system -f', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft>;
  let base: string;
  /** A write token: the engine authenticates the seed's listener, whose YAML says nothing of auth. */
  let token: string;
  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(5000) });
  const send = (method: string, body: unknown): Promise<Response> => api('/v1/nodes', { method, headers: JSON_TYPE, body: JSON.stringify(body) });
  const names = async (): Promise<string[]> => ((await (await api('/v1/nodes')).json()) as Stored[]).map((spec) => spec.name);
  const snippet = (name: string): object => ({ kind: 'snippet', name, language: 'text', code: `reply of ${name}` });

  beforeAll(async () => {
    dir = tempDir();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Only the port changes (tests run side by side): every other byte is the seed's.
    expect(SEED.match(/port: 8000/g)).toHaveLength(1);
    writeFileSync(join(dir.path, 'system.yaml'), SEED.replace('port: 8000', `port: ${port}`));
    const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info' };
    token = (await weft(['token', 'create', 'seed-e2e', '--role', 'write'], { cwd: dir.path, env })).stdout.trim();
    engine = spawnWeft(['start', '-n', 'system', '-f', 'system.yaml'], { cwd: dir.path, env });
    await eventually(async () => ((await api('/v1/nodes')).status === 200 ? true : undefined), 15_000, 'the seed workflow to answer');
  }, 30_000);

  afterAll(async () => {
    await stopWeft(engine);
    dir?.remove();
  });

  it('requires a token although the seed\'s YAML has no auth: 401 without one', async () => {
    const response = await fetch(`${base}/v1/nodes`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ERR_AUTH_REQUIRED');
  });

  it('POST /v1/nodes creates one spec or a list in the namespace default; GET lists every namespace, the admin workflow\'s own too', async () => {
    const [a, b, c] = [`a-${randomUUID().slice(0, 8)}`, `b-${randomUUID().slice(0, 8)}`, `c-${randomUUID().slice(0, 8)}`];
    const one = await send('POST', snippet(a));
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ name: a, namespace: 'default', revision: 1 });
    const list = await send('POST', [snippet(b), snippet(c)]);
    expect(list.status).toBe(200);
    expect(((await list.json()) as Stored[]).map((spec) => spec.name)).toEqual([b, c]);
    const listed = await names();
    expect(listed).toEqual(expect.arrayContaining([a, b, c]));
    // uniflow's GET /v1/nodes reads with a null filter: every spec of every namespace (reference §12.1).
    expect(listed).toEqual(expect.arrayContaining(['listener', 'router', 'nodes_read']));
  });

  it('PATCH /v1/nodes merge-patches the spec with the id in the body', async () => {
    const name = `p-${randomUUID().slice(0, 8)}`;
    const created = (await (await send('POST', snippet(name))).json()) as Stored;
    const patched = await send('PATCH', { id: created.id, code: 'patched' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: created.id, name, language: 'text', code: 'patched', revision: 2 });
  });

  it('DELETE /v1/nodes (no filter) is refused with 400 and deletes nothing', async () => {
    await send('POST', snippet(`d-${randomUUID().slice(0, 8)}`));
    const before = await names();
    const response = await api('/v1/nodes', { method: 'DELETE' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: unknown };
    expect(typeof body.error).toBe('string');
    expect(await names()).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
    // The admin workflow itself is still there and serving.
    expect((await api('/v1/nodes')).status).toBe(200);
  });

  it('answers a bad body with 400 {"error": message} through the catch switch, and other failures with 500', async () => {
    const name = `bad-${randomUUID().slice(0, 8)}`;
    const invalid = await send('POST', { kind: 'snippet', name, colour: 'red' });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: string };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toContain('colour');
    expect(body.error).toContain('language');
    expect((await api('/v1/nodes', { method: 'POST' })).status).toBe(400);
    expect((await send('PATCH', { code: 'no id' })).status).toBe(400);
    expect(await names()).not.toContain(name);

    // A taken name is `already exists`, not `invalid argument`: the seed's switch answers 500.
    const taken = `t-${randomUUID().slice(0, 8)}`;
    await send('POST', snippet(taken));
    const duplicate = await send('POST', snippet(taken));
    expect(duplicate.status).toBe(500);
    expect(await duplicate.json()).toEqual({ error: 'Internal Server Error' });
  });
});

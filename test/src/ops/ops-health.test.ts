import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, WeftError, type OpsGuard } from '../../../src/index.ts';
import { scratchSchema } from '../../fixtures/postgres-scratch.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.ts';
import { connectEvents, get, pingSpecs, startOpsEngine, type OpsEngine } from './ops-harness.ts';

const postgres = await serviceAvailable('postgres');
const scratch = postgres.available ? await scratchSchema(postgres.url) : undefined;
afterAll(async () => scratch?.drop());

type Health = { status: string; failing: string[]; checks: { name: string; ok: boolean; reason?: string }[] };

/** Polls /readyz until its status is `status`; how long that took (ms). */
async function readyzBecomes(ops: string, status: number, ms: number): Promise<{ elapsed: number; body: Health }> {
  const started = Date.now();
  for (;;) {
    const answer = await get(`${ops}/readyz`);
    if (answer.status === status) return { elapsed: Date.now() - started, body: JSON.parse(answer.text) as Health };
    if (Date.now() - started > ms) throw new Error(`/readyz stayed ${answer.status} for ${ms} ms: ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ops plane health', () => {
  let engine: OpsEngine | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await proxy?.close();
    proxy = undefined;
  });

  it('/healthz answers 200 while the event loop runs; /readyz names every contributor (listener, specs, store)', async () => {
    engine = await startOpsEngine(pingSpecs());
    const live = await get(`${engine.ops}/healthz`);
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toMatchObject({ status: 'ok', failing: [] });
    const ready = JSON.parse((await get(`${engine.ops}/readyz`)).text) as Health;
    expect(ready.status).toBe('ok');
    expect(ready.checks.map((check) => check.name)).toEqual(['listener default/listener', 'specs default', 'store default']);
  });

  it('/readyz is 503 naming the specs while one cannot load, and 200 again once it is removed', async () => {
    engine = await startOpsEngine(pingSpecs());
    const store = engine.store;
    const [broken] = await store.insert([{ kind: 'snippet', name: 'broken', namespace: 'default', language: 'no-such-language', code: 'x' }]);
    const down = await readyzBecomes(engine.ops, 503, 3000);
    expect(down.body.failing).toEqual(['specs default']);
    expect(down.body.checks.find((check) => check.name === 'specs default')!.reason).toContain('broken failed');
    await store.delete({ id: broken!.id });
    expect((await readyzBecomes(engine.ops, 200, 3000)).body.failing).toEqual([]);
  });

  it.skipIf(scratch === undefined)('/readyz flips to 503 within 1 s when the store connection is cut, naming the store, and back to 200 after', async () => {
    const url = new URL(scratch!.url());
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const store = await PostgresStore.open({ url: url.href, reconnect: { initialMs: 50, maxMs: 200 }, connectTimeoutMs: 1000 });
    const namespace = `ready${Math.random().toString(36).slice(2, 8)}`;
    engine = await startOpsEngine(pingSpecs(), { store, namespace });
    await readyzBecomes(engine.ops, 200, 5000);

    await proxy.cut();
    const down = await readyzBecomes(engine.ops, 503, 1000);
    expect(down.elapsed).toBeLessThan(1000);
    expect(down.body.failing).toEqual([`store ${namespace}`]);
    expect((await get(`${engine.ops}/metrics`)).text).toContain(`weft_store_feed_up{namespace="${namespace}"} 0`);
    // Liveness is not readiness: the engine is alive.
    expect((await get(`${engine.ops}/healthz`)).status).toBe(200);

    await proxy.restore();
    const up = await readyzBecomes(engine.ops, 200, 5000);
    expect(up.body.failing).toEqual([]);
  }, 20_000);

  it('asks the guard before every route and before the event stream: its coded error is the answer', async () => {
    const guard: OpsGuard = async (headers, role) =>
      headers.authorization === 'Bearer good' ? undefined : new WeftError('ERR_AUTH_REQUIRED', { reason: `no token for ${role}` });
    engine = await startOpsEngine(pingSpecs(), { plane: { guard } });
    const refused = await get(`${engine.ops}/metrics`);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'ERR_AUTH_REQUIRED' } });
    expect((await get(`${engine.ops}/readyz`, { authorization: 'Bearer good' })).status).toBe(200);
    await expect(connectEvents(engine.ops)).rejects.toThrow(/401/);
    const client = await connectEvents(engine.ops, { authorization: 'Bearer good' });
    client.close();
    const missing = await get(`${engine.ops}/nowhere`, { authorization: 'Bearer good' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ error: { code: 'ERR_OPS_ROUTE_NOT_FOUND' } });
  });
});

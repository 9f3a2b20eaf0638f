import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineRegistry, ENGINES_NAMESPACE, engineValueName, MemoryStore, SqliteStore, type EngineHeartbeat } from '../../../src/index.ts';
import { tempDir } from '../../harness/cli.ts';

describe('EngineRegistry', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  it('lists the engines of every store handle on one SQLite file, refreshes readiness by heartbeat, forgets a clean shutdown', async () => {
    const dir = tempDir();
    closing.push(async () => dir.remove());
    const path = join(dir.path, 'weft.db');
    const [one, two] = [new SqliteStore({ path }), new SqliteStore({ path })];
    closing.push(() => one.close(), () => two.close());
    let ready = false;
    const heartbeat: EngineHeartbeat = await new EngineRegistry(one, { heartbeatMs: 30 }).register({ id: 'orders-1', namespace: 'orders', ops: 'http://127.0.0.1:9470', ready: () => ready });
    const reader = new EngineRegistry(two, { heartbeatMs: 30 });
    expect(await reader.list()).toMatchObject([{ id: 'orders-1', namespace: 'orders', pid: process.pid, ops: 'http://127.0.0.1:9470', ready: false, stale: false }]);
    ready = true;
    let listed = await reader.list();
    // Readiness reaches the registry with the next beat.
    for (let i = 0; i < 100 && listed[0]?.ready !== true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      listed = await reader.list();
    }
    expect(listed[0]?.ready).toBe(true);
    await heartbeat.close();
    await heartbeat.close();
    expect(await reader.list()).toEqual([]);
  });

  it('marks a record stale after about three missed beats and forgets it after a minute', async () => {
    const store = new MemoryStore();
    closing.push(() => store.close());
    const registry = new EngineRegistry(store, { heartbeatMs: 1000 });
    const heartbeat = await registry.register({ id: 'web', namespace: 'web', ready: () => true });
    closing.push(() => heartbeat.close());
    const now = Date.now();
    expect((await registry.list(now + 3000))[0]?.stale).toBe(false);
    expect((await registry.list(now + 4500))[0]?.stale).toBe(true);
    // An engine that died long ago: the next registration deletes its record.
    const old = new Date(now - 120_000).toISOString();
    await store.putValues([{ namespace: ENGINES_NAMESPACE, name: 'dead', data: { id: 'dead', namespace: 'web', pid: 1, host: 'h', startedAt: old, heartbeatAt: old, ops: null, ready: true } }]);
    expect((await registry.list()).map((engine) => engine.id)).toEqual(['dead', 'web']);
    const other = await registry.register({ id: 'web-2', namespace: 'web', ready: () => true });
    closing.push(() => other.close());
    expect((await registry.list()).map((engine) => engine.id)).toEqual(['web', 'web-2']);
  });

  it('names values after any engine id, and skips values that are not engine records', async () => {
    expect(engineValueName('orders/0:a.b')).toBe('orders_0_a_b');
    expect(engineValueName('0-web')).toBe('_0-web');
    const store = new MemoryStore();
    closing.push(() => store.close());
    await store.putValues([{ namespace: ENGINES_NAMESPACE, name: 'junk', data: { hello: 'world' } }]);
    expect(await new EngineRegistry(store).list()).toEqual([]);
  });
});

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, type PostgresStoreOptions, type StoreLogger } from '../../../src/index.ts';
import { eventReader, within } from '../../conformance/event-reader.ts';
import { scratchSchema } from '../../fixtures/postgres-scratch.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.ts';
import { until } from '../../harness/wait.ts';

type Entry = { level: 'debug' | 'info' | 'warn'; fields: Record<string, unknown>; message: string };

/** A StoreLogger that keeps what it is told. */
function recordingLogger(): StoreLogger & { entries: Entry[]; has(level: Entry['level']): boolean } {
  const entries: Entry[] = [];
  const at = (level: Entry['level']) => (fields: Record<string, unknown>, message: string) => void entries.push({ level, fields, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), has: (level) => entries.some((entry) => entry.level === level) };
}

const postgres = await serviceAvailable('postgres');
const scratch = postgres.available ? await scratchSchema(postgres.url) : undefined;
afterAll(async () => scratch?.drop());

describe.skipIf(scratch === undefined)('PostgresStore outages', () => {
  const stores: PostgresStore[] = [];
  let proxy: TcpProxy | undefined;
  const open = async (options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> => {
    const store = await PostgresStore.open({ url: scratch!.url(), ...options });
    stores.push(store);
    return store;
  };
  /** A URL to the same schema through a TCP proxy the test can cut. */
  const proxied = async (): Promise<string> => {
    const url = new URL(scratch!.url());
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return url.href;
  };
  const subscribe = async (store: PostgresStore, namespace: string) => {
    const stream = store.watch({ namespace });
    await within(stream.ready, 5000, 'the stream to be ready');
    return eventReader(stream);
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await proxy?.close();
    proxy = undefined;
  });

  it('logs a terminated LISTEN connection, reconnects, and delivers what another store wrote meanwhile, once and in order', async () => {
    const logger = recordingLogger();
    // The first retry comes 300-600 ms after the loss: the writes below land inside the outage.
    const store = await open({ logger, reconnect: { initialMs: 600, maxMs: 600 } });
    const other = await open();
    const reader = await subscribe(store, 'terminated');
    const [a] = await store.insert([{ kind: 'k', namespace: 'terminated', name: 'a' }]);
    expect(await reader.next()).toMatchObject({ op: 'insert', id: a!.id });

    expect(await scratch!.terminateListeners()).toBe(1);
    await until(() => logger.has('warn'), 2000);
    const [b] = await other.insert([{ kind: 'k', namespace: 'terminated', name: 'b' }]);
    const [a2] = await other.update([{ ...a!, code: 'v2' }]);
    await other.delete({ id: b!.id });
    expect(logger.has('info')).toBe(false);

    const events = await reader.take(3, 5000);
    expect(events.map((event) => [event.op, event.spec])).toEqual([['insert', b], ['update', a2], ['delete', b]]);
    expect(await reader.quiet(200)).toEqual([]);
    const restored = logger.entries.find((entry) => entry.level === 'info')!;
    expect(restored.fields).toMatchObject({ store: store.url, attempts: 1 });
    expect(restored.fields.downMs).toBeGreaterThanOrEqual(250);
    expect(logger.entries.find((entry) => entry.level === 'warn')!.fields).toMatchObject({ store: store.url, reason: expect.any(String) });
  });

  it('keeps its streams open while the server is unreachable: calls fail with ERR_STORE_UNAVAILABLE, and the changes made meanwhile arrive once it is back', async () => {
    const logger = recordingLogger();
    const store = await open({ url: await proxied(), logger, reconnect: { initialMs: 50, maxMs: 200 }, connectTimeoutMs: 1000 });
    const other = await open();
    const reader = await subscribe(store, 'unreachable');
    await store.insert([{ kind: 'k', namespace: 'unreachable', name: 'before' }]);
    expect((await reader.next()).spec).toMatchObject({ name: 'before' });

    await proxy!.cut();
    await until(() => logger.has('warn'), 2000);
    await expect(store.find({ namespace: 'unreachable' })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', params: { reason: expect.stringContaining('ECONNREFUSED') } });
    await expect(store.insert([{ kind: 'k', namespace: 'unreachable', name: 'refused' }])).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    const late = store.watch({ namespace: 'unreachable' });
    await expect(within(late.ready, 3000, 'a watch during the outage')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    const written = await other.insert([{ kind: 'k', namespace: 'unreachable', name: 'x' }, { kind: 'k', namespace: 'unreachable', name: 'y' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logger.has('info')).toBe(false);

    await proxy!.restore();
    expect((await reader.take(2, 5000)).map((event) => event.id)).toEqual(written.map((spec) => spec.id));
    expect(await reader.quiet(200)).toEqual([]);
    await until(() => logger.has('info'), 2000);
    expect((await store.find({ namespace: 'unreachable' })).map((spec) => spec.name)).toEqual(['before', 'x', 'y']);
  });

  it('notices a silent network cut with its heartbeat and catches up through a new connection', async () => {
    const logger = recordingLogger();
    const store = await open({ url: await proxied(), logger, heartbeatMs: 200, queryTimeoutMs: 1000, reconnect: { initialMs: 50, maxMs: 200 } });
    const other = await open();
    const reader = await subscribe(store, 'silent');
    await store.insert([{ kind: 'k', namespace: 'silent', name: 'before' }]);
    await reader.next();

    proxy!.blackhole();
    const [after] = await other.insert([{ kind: 'k', namespace: 'silent', name: 'after' }]);
    expect(await reader.next(8000)).toMatchObject({ op: 'insert', id: after!.id });
    expect(logger.has('warn')).toBe(true);
    expect(logger.has('info')).toBe(true);
  });

  it('closes, ending its streams, while it is reconnecting', async () => {
    const logger = recordingLogger();
    const store = await open({ url: await proxied(), logger, reconnect: { initialMs: 50, maxMs: 100 } });
    const stream = store.watch({ namespace: 'closing' });
    await within(stream.ready, 5000, 'the stream to be ready');
    const reader = eventReader(stream);
    await proxy!.cut();
    await until(() => logger.has('warn'), 2000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await within(store.close(), 3000, 'close');
    expect(await reader.ended(1000)).toBe(true);
    const attempts = logger.entries.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logger.entries).toHaveLength(attempts);
  });
});

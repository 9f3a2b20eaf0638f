import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, Runtime, Scheme, TokenRegistry, type Spec, type SpecStore, type StoredSpec, type ValueStore } from '../../../src/index.ts';
import { openStore } from '../../../src/store/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { freePort } from '../../harness/cli.ts';

let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function start(port: number): Promise<{ runtime: Runtime; store: SpecStore; listener: StoredSpec }> {
  const store = await openStore('memory://');
  const specs: Spec[] = [
    { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: 'pong', port: 'in' }] } },
    { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
  ];
  const [listener] = await store.insert(specs);
  runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
  await runtime.start();
  return { runtime, store, listener: listener! };
}

const ping = (port: number): Promise<string> =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(async (response) => `${response.status} ${await response.text()}`, (error: unknown) => `failed ${String(error)}`);

describe('listener reloads through the runtime', () => {
  it('applies a host changed on the same port: the running socket moves, as the store says', async () => {
    const port = await freePort();
    const { runtime, store, listener } = await start(port);
    expect(await ping(port)).toBe('200 pong');
    await store.update([{ ...listener, host: '0.0.0.0' }]);
    const node = (): ListenerNode => runtime.table.byName('http')!.node as ListenerNode;
    await expect.poll(() => node().address()?.host, { timeout: 3000 }).toBe('0.0.0.0');
    const status = runtime.status().find((entry) => entry.name === 'http')!;
    expect(status).toMatchObject({ state: 'active' });
    expect(status.pendingError).toBeUndefined();
    expect(await ping(port)).toBe('200 pong');
    await store.update([{ ...listener, revision: 2, host: '127.0.0.1' }]);
    await expect.poll(() => node().address()?.host, { timeout: 3000 }).toBe('127.0.0.1');
    expect(await ping(port)).toBe('200 pong');
  });

  it('keeps the socket when only the limits change, and applies them', async () => {
    const port = await freePort();
    const { runtime, store, listener } = await start(port);
    const before = runtime.table.byName('http')!.node as ListenerNode;
    await store.update([{ ...listener, limits: { bodySize: 4 } }]);
    await expect.poll(() => runtime.table.byName('http')!.node !== before, { timeout: 3000 }).toBe(true);
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'too long', signal: AbortSignal.timeout(2000) });
    expect(response.status).toBe(413);
    await response.text();
    expect(await ping(port)).toBe('200 pong');
  });

  it('applies cors, rateLimit and auth changed on a running listener to the next request, on the same socket', async () => {
    const port = await freePort();
    const { runtime, store, listener } = await start(port);
    const origin = 'https://app.example.com';
    const before = runtime.table.byName('http')!.node as ListenerNode;
    await store.update([{ ...listener, cors: { origins: [origin] }, rateLimit: { max: 2, window: '1m' } }]);
    await expect.poll(() => runtime.table.byName('http')!.node !== before, { timeout: 3000 }).toBe(true);
    const first = await fetch(`http://127.0.0.1:${port}/`, { headers: { origin }, signal: AbortSignal.timeout(2000) });
    expect(first.headers.get('access-control-allow-origin')).toBe(origin);
    expect(await first.text()).toBe('pong');
    expect(await ping(port)).toBe('200 pong');
    const limited = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');

    const { token } = await new TokenRegistry(store as SpecStore & ValueStore).create({ name: 'reload', role: 'read' });
    const middle = runtime.table.byName('http')!.node as ListenerNode;
    await store.update([{ ...listener, revision: 2, auth: { role: 'read' } }]);
    await expect.poll(() => runtime.table.byName('http')!.node !== middle, { timeout: 3000 }).toBe(true);
    expect(await ping(port)).toMatch(/^401 /);
    const authorized = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: `Bearer ${token}`, origin }, signal: AbortSignal.timeout(2000) });
    expect(authorized.status).toBe(200);
    // The new spec has no cors: the reply carries no CORS header any more.
    expect(authorized.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('listener reloads while the namespace is paused', () => {
  it('requests held in the backlog across a reload of the listener are served by the new listener on resume', async () => {
    const port = await freePort();
    const { runtime, store, listener } = await start(port);
    runtime.pause();
    const held = [ping(port), ping(port)];
    await expect.poll(() => runtime.processes.backlogSize, { timeout: 3000 }).toBe(2);
    const before = runtime.table.byName('http')!.node;
    const pong = (await store.find({ namespace: 'default' })).find((spec) => spec.name === 'pong')!;
    await store.update([{ ...listener, limits: { bodySize: 1024 } }, { ...pong, code: 'pong v2' }]);
    await expect.poll(() => runtime.table.byName('http')!.node !== before, { timeout: 3000 }).toBe(true);
    // The old listener is retired once no process runs (the held requests are none yet).
    await new Promise((resolve) => setTimeout(resolve, 100));
    runtime.resume();
    expect(await Promise.all(held)).toEqual(['200 pong v2', '200 pong v2']);
  });
});

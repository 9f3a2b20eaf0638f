import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, masterKey, MemoryStore, Runtime, secretKeyring, ValueVault, type LoaderEvent, type Spec } from '../../src/index.ts';
import type { ListenerNode } from '../../codecs/network/listener.ts';
import { createScheme } from '../../cli/context.ts';
import { capturingLogger } from '../harness/capture-logger.ts';
import { until, within } from '../harness/wait.ts';

/** A listener routing /greet to a text snippet built from a value and /ping to a constant. */
function workflow(code: string): Spec[] {
  return [
    { kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'router', port: 'in' }] } },
    {
      kind: 'router',
      name: 'router',
      routes: [{ method: 'GET', path: '/greet', port: 'out[0]' }, { method: 'GET', path: '/ping', port: 'out[1]' }],
      links: { 'out[0]': [{ name: 'greet', port: 'in' }], 'out[1]': [{ name: 'pong', port: 'in' }] },
    },
    { kind: 'snippet', name: 'greet', language: 'text', code },
    { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
  ];
}

describe('values in specs, end to end over HTTP', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  async function start(store: MemoryStore, specs: Spec[], options: { keyring?: ReturnType<typeof secretKeyring>; logger?: ReturnType<typeof capturingLogger> } = {}) {
    await store.insert(specs);
    const events: LoaderEvent[] = [];
    runtime = new Runtime({ store, scheme: createScheme(), languages: createDefaultLanguages(), onEvent: (event) => events.push(event), env: { WEFT_TEST_GREETING: 'hello' }, ...options });
    await within(runtime.start(), 10_000);
    const port = (runtime.table.byName('listener')!.node as ListenerNode).port!;
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: await response.text() };
    };
    return { events, get, runtime };
  }

  it('resolves {{ values.NAME }} and {{ env.NAME }}; a value change reloads only the node that uses it while the listener keeps serving', async () => {
    const store = new MemoryStore();
    await store.putValues([{ name: 'who', data: 'world' }]);
    const { get, events, runtime } = await start(store, workflow('{{ env.WEFT_TEST_GREETING }} {{ values.who }}'));
    expect(await get('/greet')).toEqual({ status: 200, body: 'hello world' });
    const listener = runtime.table.byName('listener')!.node;
    const before = events.length;
    await store.putValues([{ name: 'who', data: 'weft' }]);
    let pings = 0;
    await until(() => events.slice(before).some((event) => event.type === 'loaded'), 5000);
    for (;;) {
      expect(await get('/ping')).toEqual({ status: 200, body: 'pong' });
      pings += 1;
      const greeting = await get('/greet');
      if (greeting.body === 'hello weft') break;
      expect(greeting).toEqual({ status: 200, body: 'hello world' });
      if (pings > 50) throw new Error('the value change was not applied');
    }
    const reloaded = events.slice(before).filter((event) => event.type === 'loaded').map((event) => (event as { name?: string }).name);
    expect(reloaded).toEqual(['greet']);
    expect(runtime.table.byName('listener')!.node).toBe(listener);
  });

  it('a missing value fails the node with ERR_TEMPLATE_UNRESOLVED: its route answers 503 with the reason, and setting the value loads it', async () => {
    const store = new MemoryStore();
    const { get, events } = await start(store, workflow('{{ values.absent }}'));
    const failed = events.find((event) => event.type === 'failed') as { error: { code: string; message: string } } | undefined;
    expect(failed?.error.code).toBe('ERR_TEMPLATE_UNRESOLVED');
    expect(failed?.error.message).toContain('code');
    const refused = await get('/greet');
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('absent');
    expect(await get('/ping')).toEqual({ status: 200, body: 'pong' });
    await store.putValues([{ name: 'absent', data: 'here now' }]);
    await until(() => events.some((event) => event.type === 'loaded' && (event as { name?: string }).name === 'greet'), 5000);
    expect(await get('/greet')).toEqual({ status: 200, body: 'here now' });
  });

  it('a secret is decrypted for the node and never appears in a log line (debug level captured)', async () => {
    const store = new MemoryStore();
    const keyring = secretKeyring(masterKey(randomBytes(32).toString('base64'), 'test'));
    await new ValueVault({ store, keyring }).set([{ name: 'who', data: 'sup3r-s3cret-value', secret: true }]);
    const logger = capturingLogger();
    const { get } = await start(store, workflow('{{ values.who }}'), { keyring, logger });
    expect(await get('/greet')).toEqual({ status: 200, body: 'sup3r-s3cret-value' });
    await new ValueVault({ store, keyring }).set([{ name: 'who', data: 'n3w-s3cret-value', secret: true }]);
    await until(() => logger.lines.filter((line) => line.message === 'node loaded').length >= 5, 5000);
    expect(await get('/greet')).toEqual({ status: 200, body: 'n3w-s3cret-value' });
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toMatch(/s3cret/);
    expect(JSON.stringify(await store.find())).not.toMatch(/s3cret/);
  });

  it('a secret without a key fails the node with ERR_SECRET_KEY_MISSING, and the route answers 503', async () => {
    const store = new MemoryStore();
    const keyring = secretKeyring(masterKey(randomBytes(32).toString('base64'), 'test'));
    await new ValueVault({ store, keyring }).set([{ name: 'who', data: 'k3yless', secret: true }]);
    const logger = capturingLogger();
    const { get, events } = await start(store, workflow('{{ values.who }}'), { logger });
    expect(events.find((event) => event.type === 'failed')).toMatchObject({ error: { code: 'ERR_SECRET_KEY_MISSING' } });
    const refused = await get('/greet');
    expect(refused.status).toBe(503);
    expect(refused.body).not.toContain('k3yless');
    expect(JSON.stringify(logger.lines)).not.toContain('k3yless');
  });

  it('a compile error quoting a secret shows <secret> instead, in the failure, the 503 body and the logs', async () => {
    const store = new MemoryStore();
    const keyring = secretKeyring(masterKey(randomBytes(32).toString('base64'), 'test'));
    await new ValueVault({ store, keyring }).set([{ name: 'expr', data: 'l3aked_s3cret', secret: true }]);
    const logger = capturingLogger();
    const specs = workflow('unused');
    specs[2] = { kind: 'snippet', name: 'greet', language: '{{ values.expr }}', code: 'self' };
    const { get, events } = await start(store, specs, { keyring, logger });
    const failed = events.find((event) => event.type === 'failed') as { error: Error } | undefined;
    expect(failed?.error.message).toContain('<secret>');
    const refused = await get('/greet');
    expect(refused.status).toBe(503);
    expect(refused.body + JSON.stringify(logger.lines) + failed!.error.message).not.toContain('l3aked');
  });
});

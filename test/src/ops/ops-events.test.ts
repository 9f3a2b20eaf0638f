import { afterEach, describe, expect, it } from 'vitest';
import type { Spec } from '../../../src/index.ts';
import { connectEvents, get, startOpsEngine, type EventClient, type OpsEngine } from './ops-harness.ts';

/** A 10-node workflow: listener → s1 (1) → s2 (+1) → … → s9 (+1); the reply is 9. */
function chainSpecs(): Spec[] {
  const specs: Spec[] = [{ kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 's1', port: 'in' }] } }];
  for (let i = 1; i <= 9; i++) {
    specs.push({ kind: 'snippet', name: `s${i}`, language: 'cel', code: i === 1 ? '1' : 'self + 1', ...(i < 9 ? { links: { out: [{ name: `s${i + 1}`, port: 'in' }] } } : {}) });
  }
  return specs;
}

describe('ops plane event stream', () => {
  let engine: OpsEngine | undefined;
  const clients: EventClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await engine?.close();
    engine = undefined;
  });
  const connect = async () => {
    const client = await connectEvents(engine!.ops);
    clients.push(client);
    return client;
  };

  it('a subscriber sees every port:emit of a 10-node workflow for one request, in order, between process:start and process:end', async () => {
    const namespace = `ev${Math.random().toString(36).slice(2, 8)}`;
    engine = await startOpsEngine(chainSpecs(), { namespace });
    const client = await connect();
    client.send({ type: 'subscribe', id: 'all', filter: { namespace, types: ['process:start', 'port:emit', 'process:end'] } });
    await client.until((messages) => messages.some((message) => message.type === 'subscribed'));
    expect((await get(`${engine.app}/`)).text).toBe('9');
    const messages = await client.until((list) => list.some((message) => message.type === 'process:end'));
    const events = messages.filter((message) => message.type !== 'subscribed');
    expect(events[0]).toMatchObject({ type: 'process:start', namespace });
    const process = events[0]!.process as string;
    const emits = events.filter((event) => event.type === 'port:emit');
    expect(emits.map((event) => [(event.source as { node: string }).node, (event.target as { node: string }).node])).toEqual([
      ['listener', 's1'], ['s1', 's2'], ['s2', 's3'], ['s3', 's4'], ['s4', 's5'], ['s5', 's6'], ['s6', 's7'], ['s7', 's8'], ['s8', 's9'],
    ]);
    expect(emits.every((event) => event.process === process && event.namespace === namespace)).toBe(true);
    expect(emits.slice(1).map((event) => JSON.parse((event.value as { json: string }).json) as number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const seqs = events.map((event) => event.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ type: 'process:end', process, durationMs: expect.any(Number) });
    expect(events.at(-1)!.error).toBeUndefined();
  });

  it('filters by node and type, unsubscribes, and answers a bad message with ERR_OPS_MESSAGE_INVALID', async () => {
    engine = await startOpsEngine(chainSpecs());
    const client = await connect();
    client.send({ type: 'subscribe', id: 'one', filter: { node: 's5', types: ['port:emit'] } });
    await client.until((messages) => messages.some((message) => message.type === 'subscribed'));
    await get(`${engine.app}/`);
    const emits = (await client.until((list) => list.filter((message) => message.type === 'port:emit').length >= 2)).filter((message) => message.type === 'port:emit');
    expect(emits.map((event) => `${(event.source as { node: string }).node}>${(event.target as { node: string }).node}`)).toEqual(['s4>s5', 's5>s6']);
    client.send({ type: 'unsubscribe', id: 'one' });
    await client.until((messages) => messages.some((message) => message.type === 'unsubscribed'));
    const seen = client.messages.length;
    await get(`${engine.app}/`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.messages.length).toBe(seen);
    client.send({ type: 'subscribe', filter: { colour: 'red' } });
    const [error] = (await client.until((list) => list.some((message) => message.type === 'error'))).filter((message) => message.type === 'error');
    expect(error).toMatchObject({ error: { code: 'ERR_OPS_MESSAGE_INVALID' } });
  });

  it('publishes node:loaded and spec:applied for a spec change, node:error for an error reply, and metrics:update periodically', async () => {
    const namespace = `ev${Math.random().toString(36).slice(2, 8)}`;
    engine = await startOpsEngine(chainSpecs(), { namespace, plane: { metricsIntervalMs: 50 } });
    const client = await connect();
    client.send({ type: 'subscribe', filter: { namespace } });
    await client.until((messages) => messages.some((message) => message.type === 'subscribed'));
    await engine.store.upsert([{ kind: 'throw', name: 's9', namespace, category: 'not found', message: 'gone' } as Spec]);
    await client.until((list) => list.some((message) => message.type === 'spec:applied' && message.node === 's9'));
    expect(client.messages.find((message) => message.type === 'node:loaded')).toMatchObject({ node: 's9', namespace });
    expect((await get(`${engine.app}/`)).status).toBe(404);
    const errors = (await client.until((list) => list.some((message) => message.type === 'node:error'))).filter((message) => message.type === 'node:error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ node: 's9', error: { code: 'ERR_THROWN_NOT_FOUND' } });
    const update = (await client.until((list) => list.some((message) => message.type === 'metrics:update'))).find((message) => message.type === 'metrics:update')!;
    expect(update).toMatchObject({ namespace, metrics: { processesStarted: expect.any(Number) } });
  });

  it('a subscriber that never reads stays bounded: its events are dropped and counted, the engine keeps serving, and it is told how many', async () => {
    const maxBufferedBytes = 256 * 1024;
    engine = await startOpsEngine(chainSpecs(), { plane: { maxBufferedBytes, maxValueLength: 64 * 1024 } });
    const client = await connect();
    const types = ['process:start', 'port:emit', 'process:end'];
    client.send({ type: 'subscribe', filter: { types } });
    await client.until((messages) => messages.some((message) => message.type === 'subscribed'));
    // The client stops reading: the socket buffers fill, then the bus drops (each request
    // publishes one ~32 KB event for its body: ~40 MB in all, beyond what loopback buffers hold).
    client.socket.pause();
    const body = 'x'.repeat(32 * 1024);
    const requests = 1200;
    const post = () => fetch(`${engine!.app}/`, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, signal: AbortSignal.timeout(5000) }).then((response) => response.text());
    for (let i = 0; i < requests; i += 20) expect(await Promise.all(Array.from({ length: 20 }, post))).toEqual(Array.from({ length: 20 }, () => '9'));
    client.socket.resume();
    // One more request after it reads again: its events come after the drop notice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await post()).toBe('9');
    const messages = await client.until((list) => list.some((message) => message.type === 'dropped') && list.at(-1)?.type === 'process:end', 10_000);
    const dropped = messages.filter((message) => message.type === 'dropped').reduce((sum, message) => sum + (message.count as number), 0);
    const received = messages.filter((message) => typeof message.seq === 'number').length;
    expect(dropped).toBeGreaterThan(0);
    // Every event was either delivered or counted as dropped.
    await client.until((list) => list.filter((message) => typeof message.seq === 'number').length + dropped >= (requests + 1) * 11, 5000).catch(() => undefined);
    const total = client.messages.filter((message) => typeof message.seq === 'number').length + client.messages.filter((message) => message.type === 'dropped').reduce((sum, message) => sum + (message.count as number), 0);
    expect(total).toBe((requests + 1) * 11);
    expect(received).toBeLessThan(requests * 11);
  }, 60_000);
});

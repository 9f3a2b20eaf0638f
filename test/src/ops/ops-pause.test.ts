import { afterEach, describe, expect, it } from 'vitest';
import { connectEvents, get, pingSpecs, startOpsEngine, type OpsEngine } from './ops-harness.ts';

let engine: OpsEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('the ops plane sees the control plane', () => {
  it('publishes namespace:paused and namespace:resumed, and counts each request refused by a full backlog in weft_backpressure_events_total', async () => {
    const namespace = `pz${Math.random().toString(36).slice(2, 8)}`;
    engine = await startOpsEngine(pingSpecs(), { namespace });
    engine.runtime.processes.backlogLimit = 1;
    const client = await connectEvents(engine.ops);
    client.send({ type: 'subscribe', id: 'pause', filter: { namespace, types: ['namespace:paused', 'namespace:resumed'] } });
    await client.until((messages) => messages.some((message) => message.type === 'subscribed'));

    engine.runtime.pause();
    await client.until((messages) => messages.some((message) => message.type === 'namespace:paused'));
    const queued = get(`${engine.app}/ping`);
    // The first request waits in the backlog; once it is there, the next two find it full.
    await expect.poll(() => engine!.runtime.processes.backlogSize, { timeout: 3000 }).toBe(1);
    const refused = await Promise.all([get(`${engine.app}/ping`), get(`${engine.app}/ping`)]);
    expect(refused.map((response) => response.status)).toEqual([503, 503]);
    expect(refused[0]!.text).toContain('ERR_BACKLOG_FULL');

    const metrics = (await get(`${engine.ops}/metrics`)).text;
    expect(metrics).toMatch(new RegExp(`weft_backpressure_events_total\\{namespace="${namespace}"\\} 2\\b`));
    const json = JSON.parse((await get(`${engine.ops}/v1/metrics`)).text) as { namespaces: Record<string, { backpressureEvents: number }> } | Record<string, unknown>;
    expect(JSON.stringify(json)).toContain('"backpressureEvents":2');

    engine.runtime.resume();
    expect((await queued).status).toBe(200);
    const events = await client.until((messages) => messages.some((message) => message.type === 'namespace:resumed'));
    expect(events.filter((event) => event.type !== 'subscribed').map((event) => [event.type, event.namespace])).toEqual([
      ['namespace:paused', namespace], ['namespace:resumed', namespace],
    ]);
    client.close();
  });
});

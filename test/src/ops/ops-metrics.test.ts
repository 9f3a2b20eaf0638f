import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { get, pingSpecs, startOpsEngine, type OpsEngine } from './ops-harness.ts';

/** The value of one sample line of Prometheus text (labels in any order), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => inside.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

const promtool = spawnSync('promtool', ['--version']).error === undefined;

describe('ops plane metrics', () => {
  let engine: OpsEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('GET /metrics counts exactly the requests sent through examples/ping.yaml, per node and per namespace', async () => {
    const namespace = `ns${Math.random().toString(36).slice(2, 8)}`;
    engine = await startOpsEngine(pingSpecs(), { namespace });
    const before = (await get(`${engine.ops}/metrics`)).text;
    const requests = 37;
    for (let i = 0; i < requests; i++) expect((await get(`${engine.app}/ping`)).text).toBe('pong');
    const scraped = await get(`${engine.ops}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toContain('text/plain');
    const delta = (name: string, labels: Record<string, string>) => sample(scraped.text, name, labels) - sample(before, name, labels);
    const node = (name: string, kind: string) => ({ namespace, node: name, kind });
    expect(delta('weft_node_packets_out_total', node('listener', 'listener'))).toBe(requests);
    expect(delta('weft_node_packets_in_total', node('router', 'router'))).toBe(requests);
    expect(delta('weft_node_packets_out_total', node('router', 'router'))).toBe(requests);
    expect(delta('weft_node_packets_in_total', node('pong', 'snippet'))).toBe(requests);
    // Latency is timed on one hop in 16 per link, the first always: 37 hops → 3 timed.
    expect(delta('weft_node_latency_seconds_count', node('pong', 'snippet'))).toBe(Math.ceil(requests / 16));
    expect(delta('weft_node_errors_total', node('pong', 'snippet'))).toBe(0);
    expect(sample(scraped.text, 'weft_node_in_flight', node('pong', 'snippet'))).toBe(0);
    expect(delta('weft_processes_started_total', { namespace })).toBe(requests);
    expect(delta('weft_processes_ended_total', { namespace })).toBe(requests);
    expect(sample(scraped.text, 'weft_store_feed_up', { namespace })).toBe(1);
    expect(sample(scraped.text, 'weft_nodes', { namespace, state: 'active' })).toBe(3);
    // prom-client's process defaults are there too.
    expect(scraped.text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(scraped.text).toContain('nodejs_eventloop_lag_seconds');

    const json = JSON.parse((await get(`${engine.ops}/v1/metrics?namespace=${namespace}`)).text) as { namespaces: Record<string, Record<string, unknown> & { nodes: Record<string, Record<string, number>> }> };
    const metrics = json.namespaces[namespace]!;
    expect(Object.keys(json.namespaces)).toEqual([namespace]);
    expect(metrics.nodes.pong).toMatchObject({ kind: 'snippet', messagesProcessed: requests, componentInvocations: requests, messagesEmitted: 0, errorCount: 0, backpressureEvents: 0 });
    expect(metrics.nodes.pong!.maxLatencyMs).toBeGreaterThanOrEqual(metrics.nodes.pong!.avgLatencyMs!);
    expect(metrics).toMatchObject({ messagesProcessed: 2 * requests, messagesEmitted: 2 * requests, processesStarted: requests, processesEnded: requests, processesInFlight: 0, errorCount: 0 });
  });

  it('counts an error once, at the node that answered it', async () => {
    const namespace = `ns${Math.random().toString(36).slice(2, 8)}`;
    const specs = pingSpecs().map((spec) => (spec.name === 'pong' ? { kind: 'throw', name: 'pong', category: 'invalid argument', message: 'no' } : spec));
    engine = await startOpsEngine(specs as never, { namespace });
    for (let i = 0; i < 3; i++) expect((await get(`${engine.app}/ping`)).status).toBe(400);
    const nodes = (JSON.parse((await get(`${engine.ops}/v1/metrics`)).text) as { namespaces: Record<string, { errorCount: number; nodes: Record<string, { errorCount: number }> }> }).namespaces[namespace]!;
    expect(nodes.nodes.pong!.errorCount).toBe(3);
    expect(nodes.nodes.router!.errorCount).toBe(0);
    expect(nodes.errorCount).toBe(3);
  });

  it.skipIf(!promtool && process.env.CI !== 'true')('promtool check metrics accepts /metrics (skipped: promtool is not installed)', async () => {
    engine = await startOpsEngine(pingSpecs());
    for (let i = 0; i < 3; i++) await get(`${engine.app}/ping`);
    const text = (await get(`${engine.ops}/metrics`)).text;
    // promtool lints too (exit 3 for naming advice only): the only advice allowed is about
    // prom-client's own nodejs_active_*_total gauges; a format error is exit 1.
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 10_000 });
    expect(result.error).toBeUndefined();
    const advice = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
    expect(advice.filter((line) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(line))).toEqual([]);
    expect([0, 3]).toContain(result.status);
  });
});

import type { Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type NodeStats } from './node-stats.ts';
import type { NamespaceStats } from './namespace-stats.ts';
import type { OpsMetrics } from './ops-metrics.ts';

type MetricType = 'counter' | 'gauge' | 'histogram';
type Labels = Record<string, string | number>;
interface Value { readonly value: number; readonly labels: Labels; readonly metricName?: string }

/**
 * A metric read from the ops counters at scrape time, in the shape prom-client's Registry
 * formats (`get()`): the hot path bumps plain numbers and never touches prom-client.
 */
class ScrapedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum';
  readonly #values: () => Value[];

  constructor(name: string, help: string, type: MetricType, values: () => Value[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.#values = values;
  }

  get(): { name: string; help: string; type: MetricType; values: Value[]; aggregator: string } {
    return { name: this.name, help: this.help, type: this.type, values: this.#values(), aggregator: this.aggregator };
  }

  reset(): void {}
}

const nodeLabels = (node: NodeStats): Labels => ({ namespace: node.namespace, node: node.node, kind: node.kind });

/**
 * The Prometheus registry of the ops plane: the node and namespace metrics plus prom-client's
 * process defaults (RSS, event-loop lag, GC). prom-client is imported here, on first use, so an
 * engine without `--ops` never loads it.
 */
export async function prometheusRegistry(metrics: OpsMetrics): Promise<Registry> {
  const { collectDefaultMetrics, Registry } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const perNode = (name: string, help: string, type: MetricType, read: (node: NodeStats) => number) =>
    registry.registerMetric(new ScrapedMetric(name, help, type, () => [...metrics.nodes].map((node) => ({ value: read(node), labels: nodeLabels(node) }))) as never);
  const perNamespace = (name: string, help: string, type: MetricType, read: (stats: NamespaceStats) => number | undefined) =>
    registry.registerMetric(new ScrapedMetric(name, help, type, () => [...metrics.namespaces].flatMap((stats) => {
      const value = read(stats);
      return value === undefined ? [] : [{ value, labels: { namespace: stats.namespace } }];
    })) as never);

  perNode('weft_node_packets_in_total', 'Packets delivered to the node.', 'counter', (node) => node.packetsIn);
  perNode('weft_node_packets_out_total', 'Packets the node wrote to a linked node.', 'counter', (node) => node.packetsOut);
  perNode('weft_node_errors_total', 'Error replies that originated at the node.', 'counter', (node) => node.errors);
  perNode('weft_node_in_flight', 'Packets the node is handling now.', 'gauge', (node) => node.inFlight);
  registry.registerMetric(new ScrapedMetric('weft_node_latency_seconds', 'Time from delivery to reply, downstream included (one hop in 16 per link is timed).', 'histogram', () => [...metrics.nodes].flatMap(latencyValues)) as never);

  perNamespace('weft_processes_started_total', 'Root processes (requests, messages, ticks) started.', 'counter', (stats) => stats.processesStarted);
  perNamespace('weft_processes_ended_total', 'Root processes ended.', 'counter', (stats) => stats.processesEnded);
  perNamespace('weft_processes_in_flight', 'Root processes running now.', 'gauge', (stats) => stats.inFlight);
  perNamespace('weft_spec_reloads_total', 'Specs loaded again at a new revision.', 'counter', (stats) => stats.reloads);
  perNamespace('weft_spec_load_failures_total', 'Spec load attempts that failed.', 'counter', (stats) => stats.failedLoads);
  perNamespace('weft_backpressure_events_total', 'Work refused or queued because the namespace could not take it.', 'counter', (stats) => stats.backpressureEvents);
  perNamespace('weft_store_feed_up', '1 while the store is connected and its change feed live, else 0.', 'gauge', (stats) => (stats.store === undefined ? undefined : stats.store().ok ? 1 : 0));
  registry.registerMetric(new ScrapedMetric('weft_nodes', 'Nodes of the namespace by state.', 'gauge', () => [...metrics.namespaces].flatMap((stats) =>
    Object.entries(stats.nodeStates?.() ?? {}).map(([state, value]) => ({ value, labels: { namespace: stats.namespace, state } })))) as never);
  return registry;
}

function latencyValues(node: NodeStats): Value[] {
  const labels = nodeLabels(node);
  const values: Value[] = [];
  let cumulative = 0;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    cumulative += node.buckets[i]!;
    values.push({ metricName: 'weft_node_latency_seconds_bucket', value: cumulative, labels: { ...labels, le: LATENCY_BUCKETS_MS[i]! / 1000 } });
  }
  values.push({ metricName: 'weft_node_latency_seconds_bucket', value: node.latencyCount, labels: { ...labels, le: '+Inf' } });
  values.push({ metricName: 'weft_node_latency_seconds_sum', value: node.latencySumMs / 1000, labels });
  values.push({ metricName: 'weft_node_latency_seconds_count', value: node.latencyCount, labels });
  return values;
}

import { NamespaceStats } from './namespace-stats.ts';
import { NodeStats } from './node-stats.ts';

/** Seed 004's execution metrics of a node or a namespace, as `GET /v1/metrics` answers them. */
export interface ExecutionMetrics {
  readonly messagesProcessed: number;
  readonly messagesEmitted: number;
  readonly componentInvocations: number;
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly errorCount: number;
  readonly backpressureEvents: number;
}

/** The JSON metrics of one namespace: its totals, its processes and loads, and each node. */
export interface NamespaceMetrics extends ExecutionMetrics {
  readonly processesStarted: number;
  readonly processesEnded: number;
  readonly processesInFlight: number;
  readonly reloads: number;
  readonly failedLoads: number;
  readonly nodes: Record<string, ExecutionMetrics & { readonly kind: string; readonly inFlight: number }>;
}

/**
 * Every counter of the ops plane, by namespace and node: what the link probes and process
 * observers bump (see OpsObserver), what /metrics and /v1/metrics read. Counters of a node
 * survive its reloads (they are keyed by name), as Prometheus counters should.
 */
export class OpsMetrics {
  readonly #nodes = new Map<string, NodeStats>();
  readonly #namespaces = new Map<string, NamespaceStats>();

  /** The stats of a node, made on first use; `kind` updates to the latest spec's. */
  node(namespace: string, node: string, kind: string): NodeStats {
    const key = `${namespace}\u0000${node}`;
    let stats = this.#nodes.get(key);
    if (stats === undefined) this.#nodes.set(key, (stats = new NodeStats(namespace, node, kind)));
    else stats.kind = kind;
    return stats;
  }

  /** The stats of a node, or undefined when nothing has counted for it yet. */
  find(namespace: string, node: string): NodeStats | undefined {
    return this.#nodes.get(`${namespace}\u0000${node}`);
  }

  namespace(namespace: string): NamespaceStats {
    let stats = this.#namespaces.get(namespace);
    if (stats === undefined) this.#namespaces.set(namespace, (stats = new NamespaceStats(namespace)));
    return stats;
  }

  get nodes(): Iterable<NodeStats> {
    return this.#nodes.values();
  }

  get namespaces(): Iterable<NamespaceStats> {
    return this.#namespaces.values();
  }

  /** Seed 004's metrics per namespace and node (`namespace` alone when given). */
  snapshot(namespace?: string): Record<string, NamespaceMetrics> {
    const result: Record<string, NamespaceMetrics> = {};
    for (const stats of this.#namespaces.values()) {
      if (namespace !== undefined && stats.namespace !== namespace) continue;
      const nodes: Record<string, ExecutionMetrics & { kind: string; inFlight: number }> = {};
      let count = 0;
      let sum = 0;
      let max = 0;
      let processed = 0;
      let emitted = 0;
      let errors = 0;
      for (const node of this.#nodes.values()) {
        if (node.namespace !== stats.namespace) continue;
        nodes[node.node] = { kind: node.kind, inFlight: node.inFlight, ...execution(node, 0) };
        count += node.latencyCount;
        sum += node.latencySumMs;
        max = Math.max(max, node.latencyMaxMs);
        processed += node.packetsIn;
        emitted += node.packetsOut;
        errors += node.errors;
      }
      result[stats.namespace] = {
        messagesProcessed: processed,
        messagesEmitted: emitted,
        componentInvocations: processed,
        avgLatencyMs: count === 0 ? 0 : sum / count,
        maxLatencyMs: max,
        errorCount: errors,
        backpressureEvents: stats.backpressureEvents,
        processesStarted: stats.processesStarted,
        processesEnded: stats.processesEnded,
        processesInFlight: stats.inFlight,
        reloads: stats.reloads,
        failedLoads: stats.failedLoads,
        nodes,
      };
    }
    return result;
  }
}

function execution(node: NodeStats, backpressureEvents: number): ExecutionMetrics {
  return {
    messagesProcessed: node.packetsIn,
    messagesEmitted: node.packetsOut,
    componentInvocations: node.packetsIn,
    avgLatencyMs: node.latencyCount === 0 ? 0 : node.latencySumMs / node.latencyCount,
    maxLatencyMs: node.latencyMaxMs,
    errorCount: node.errors,
    backpressureEvents,
  };
}

import { WeftError } from '../errors/index.ts';
import type { Runtime } from '../runtime/index.ts';
import { analyzeTopology } from '../topology/index.ts';
import { lineDiff } from './console/line-diff.ts';
import { namespaceSpecs, specYaml, type ConsoleSpec } from './console/namespace-specs.ts';
import { namespaceSummary } from './console/namespace-summary.ts';
import { runtimeScope, runtimesOf, type RuntimeSource } from './control/runtime-scope.ts';
import { LATENCY_BUCKETS_MS } from './node-stats.ts';
import type { OpsMetrics } from './ops-metrics.ts';
import type { OpsRequest, OpsRoute } from './ops-route.ts';
import type { RevisionHistory, SpecRevision } from './revision-history.ts';

/** What the console routes read: the runtimes, the plane's counters and its revision history. */
export interface ConsoleRoutesOptions {
  readonly runtimes: RuntimeSource;
  readonly metrics: OpsMetrics;
  readonly revisions: RevisionHistory;
}

/**
 * The read-only routes the web console (`/ui`) uses, role read, beside the control routes:
 * - `GET /v1/namespaces`: every namespace this engine runs, with `NamespaceSummary`;
 * - `GET /v1/namespaces/:namespace/specs[?yaml=true]`: its specs (`ConsoleSpec`: node state, errors; and `yaml`);
 * - `GET /v1/namespaces/:namespace/graph`: its topology (`analyzeTopology` with the kinds' ports);
 * - `GET /v1/nodes/:namespace/:name/metrics`: a node's counters, latency buckets and last errors;
 * - `GET /v1/nodes/:namespace/:name/revisions`: the revisions this engine has seen (RevisionHistory);
 * - `GET /v1/nodes/:namespace/:name/diff?from=R&to=R`: a line diff of two revisions' YAML
 *   (default: the latest against the one before).
 * `:name` is a spec's name, else its id.
 */
export function consoleRoutes(options: ConsoleRoutesOptions): OpsRoute[] {
  const scoped = runtimeScope(options.runtimes);
  const history = (runtime: Runtime, request: OpsRequest): { node: string; revisions: SpecRevision[] } => {
    const node = request.params.name ?? '';
    const specs = namespaceSpecs(runtime);
    options.revisions.sync(specs.map((entry) => entry.spec));
    const revisions = options.revisions.of(runtime.namespace, node);
    if (revisions.length === 0) throw new WeftError('ERR_NODE_NOT_FOUND', { namespace: runtime.namespace, node });
    return { node, revisions };
  };
  return [
    {
      method: 'GET', path: '/v1/namespaces', role: 'read',
      handle: () => ({ status: 200, body: { namespaces: runtimesOf(options.runtimes).map((runtime) => namespaceSummary(runtime, namespaceSpecs(runtime))) } }),
    },
    {
      method: 'GET', path: '/v1/namespaces/:namespace/specs', role: 'read',
      handle: scoped((runtime, request) => {
        const specs = namespaceSpecs(runtime);
        // YAML on request only: the graph needs states, not 200 YAML texts.
        return { status: 200, body: { namespace: runtime.namespace, specs: request.query.get('yaml') === 'true' ? specs.map((entry) => ({ ...entry, yaml: specYaml(entry.spec) })) : specs } };
      }),
    },
    {
      method: 'GET', path: '/v1/namespaces/:namespace/graph', role: 'read',
      handle: scoped((runtime) => {
        const specs = namespaceSpecs(runtime).map((entry) => entry.spec);
        return { status: 200, body: { namespace: runtime.namespace, ...analyzeTopology(specs, (spec) => runtime.scheme.portsOf(spec)) } };
      }),
    },
    {
      method: 'GET', path: '/v1/nodes/:namespace/:name/metrics', role: 'read',
      handle: scoped((runtime, request) => {
        const node = request.params.name ?? '';
        const entry = findSpec(namespaceSpecs(runtime), node);
        if (entry === undefined) throw new WeftError('ERR_NODE_NOT_FOUND', { namespace: runtime.namespace, node });
        return { status: 200, body: nodeMetrics(options.metrics, runtime.namespace, entry) };
      }),
    },
    {
      method: 'GET', path: '/v1/nodes/:namespace/:name/revisions', role: 'read',
      handle: scoped((runtime, request) => {
        const { node, revisions } = history(runtime, request);
        return { status: 200, body: { namespace: runtime.namespace, node, revisions: revisions.map((entry) => ({ ...entry, yaml: specYaml(entry.spec) })) } };
      }),
    },
    {
      method: 'GET', path: '/v1/nodes/:namespace/:name/diff', role: 'read',
      handle: scoped((runtime, request) => {
        const { node, revisions } = history(runtime, request);
        const kept = revisions.map((entry) => entry.revision).join(', ');
        const pick = (name: string, fallback: SpecRevision | undefined): SpecRevision | undefined => {
          const raw = request.query.get(name);
          if (raw === null) return fallback;
          if (!/^\d+$/.test(raw)) throw new WeftError('ERR_OPS_QUERY_INVALID', { name, reason: `"${raw.slice(0, 40)}" is not a revision number` });
          // The latest entry of that revision (a delete records the revision it removed).
          const found = revisions.findLast((entry) => entry.revision === Number(raw));
          if (found === undefined) throw new WeftError('ERR_REVISION_NOT_KEPT', { revision: raw, node, kept });
          return found;
        };
        const to = pick('to', revisions.at(-1))!;
        const previous = revisions[revisions.indexOf(to) - 1];
        const from = pick('from', previous);
        const text = (entry: SpecRevision | undefined) => (entry === undefined || entry.op === 'delete' ? '' : specYaml(entry.spec));
        return { status: 200, body: { namespace: runtime.namespace, node, from: from?.revision ?? null, to: to.revision, lines: lineDiff(text(from), text(to)) } };
      }),
    },
  ];
}

function findSpec(specs: readonly ConsoleSpec[], node: string): ConsoleSpec | undefined {
  return specs.find((entry) => entry.name === node) ?? specs.find((entry) => entry.id === node);
}

/** A node's counters for the console (zeros before its first hop). */
function nodeMetrics(metrics: OpsMetrics, namespace: string, entry: ConsoleSpec) {
  const key = entry.name ?? entry.id;
  const stats = metrics.find(namespace, key);
  return {
    namespace,
    node: key,
    kind: entry.kind,
    packetsIn: stats?.packetsIn ?? 0,
    packetsOut: stats?.packetsOut ?? 0,
    errors: stats?.errors ?? 0,
    inFlight: stats?.inFlight ?? 0,
    avgLatencyMs: stats === undefined || stats.latencyCount === 0 ? 0 : stats.latencySumMs / stats.latencyCount,
    maxLatencyMs: stats?.latencyMaxMs ?? 0,
    latencySamples: stats?.latencyCount ?? 0,
    latencyBuckets: [...LATENCY_BUCKETS_MS, Infinity].map((le, index) => ({ leMs: le === Infinity ? null : le, count: stats?.buckets[index] ?? 0 })),
    recentErrors: stats?.recentErrors ?? [],
  };
}

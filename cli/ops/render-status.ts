import { stringify } from 'yaml';
import type { NamespaceStatus } from '../../src/index.ts';
import { renderTable, type OutputFormat } from '../print.ts';

/**
 * Renders a namespace status (`weft status`, `weft pause`, `weft resume`): JSON or YAML as the
 * engine sent it; as a table, one summary row, then (with `nodes`) a row per node.
 */
export function renderStatus(status: NamespaceStatus, format: OutputFormat, options: { nodes: boolean }): string {
  if (format === 'json') return `${JSON.stringify(status, null, 2)}\n`;
  if (format === 'yaml') return stringify(status);
  const summary = renderTable([{
    namespace: status.namespace,
    state: status.state,
    ready: String(status.ready),
    paused: String(status.paused),
    backlog: `${status.backlog.size}/${status.backlog.limit}`,
    'in-flight': String(status.inFlight),
    backpressure: String(status.backpressureEvents),
  }], ['namespace', 'state', 'ready', 'paused', 'backlog', 'in-flight', 'backpressure']);
  if (!options.nodes) return summary;
  const rows = status.nodes.map((node) => ({
    name: node.name ?? node.id,
    kind: node.kind,
    state: node.state,
    reason: node.error?.message ?? node.pendingError?.message ?? node.problems.join('; '),
  }));
  return `${summary}\n${renderTable(rows, ['name', 'kind', 'state', 'reason'])}`;
}

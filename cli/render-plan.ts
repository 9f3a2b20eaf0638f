import { isAbsolute, relative } from 'node:path';
import { stringify } from 'yaml';
import type { FieldChange } from './field-diff.ts';
import type { ApplyPlan, PlannedSpec } from './plan-apply.ts';
import { renderTable, type OutputFormat } from './print.ts';

/** How a plan is printed: `dryRun` adds that nothing was written; `cwd` shortens source paths. */
export interface RenderPlanOptions {
  readonly dryRun?: boolean;
  readonly cwd?: string;
}

const WIDEST_VALUE = 60;

/**
 * Renders a plan: `json`/`yaml` print the ApplyPlan object as is (the stable, scriptable form);
 * `table` prints the specs, the field changes of each update, the node effects and a summary.
 */
export function renderPlan(plan: ApplyPlan, format: OutputFormat, options: RenderPlanOptions = {}): string {
  if (format === 'json') return JSON.stringify(plan, null, 2) + '\n';
  if (format === 'yaml') return stringify(plan);
  const sections: string[] = [];
  if (plan.specs.length > 0) {
    const rows = plan.specs.map((spec) => ({
      action: spec.action,
      kind: spec.kind,
      namespace: spec.namespace,
      name: spec.name ?? spec.id ?? '(unnamed)',
      revision: revisionCell(spec),
      source: shorten(spec.source, options.cwd),
    }));
    sections.push(renderTable(rows, ['action', 'kind', 'namespace', 'name', 'revision', 'source']));
  }
  for (const spec of plan.specs) {
    if (spec.fields === undefined || spec.fields.length === 0) continue;
    sections.push(`${spec.namespace}/${spec.name ?? spec.id}:\n${spec.fields.map((change) => `  ${fieldLine(change)}\n`).join('')}`);
  }
  if (plan.nodes.length > 0) {
    const rows = plan.nodes.map((node) => ({ ...node, active: node.active ? 'yes' : 'no', socket: node.socket ?? '', unavailable: node.unavailable.join(', ') }));
    sections.push(`Nodes of a running engine:\n${renderTable(rows, ['node', 'kind', 'effect', 'active', 'socket', 'unavailable', 'reason'])}`);
  }
  sections.push(summaryLine(plan, options.dryRun === true));
  return sections.join('\n');
}

function summaryLine(plan: ApplyPlan, dryRun: boolean): string {
  const { create, update, unchanged, delete: deletes } = plan.summary;
  const counts = plan.changed ? `${create} to create, ${update} to update, ${deletes} to delete, ${unchanged} unchanged` : `no changes (${unchanged} unchanged)`;
  const pruned = plan.prune ? ` (pruning ${plan.namespaces.join(', ')})` : '';
  return `Plan: ${counts}${pruned}.${dryRun ? ' Dry run: nothing was written.' : ''}\n`;
}

function revisionCell(spec: PlannedSpec): string {
  if (spec.revision === undefined) return '';
  return spec.action === 'update' ? `${spec.revision} → ${spec.revision + 1}` : String(spec.revision);
}

function fieldLine(change: FieldChange): string {
  if (change.op === 'add') return `${change.path}: + ${value(change.new)}`;
  if (change.op === 'remove') return `${change.path}: - ${value(change.old)}`;
  return `${change.path}: ${value(change.old)} → ${value(change.new)}`;
}

function value(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > WIDEST_VALUE ? `${text.slice(0, WIDEST_VALUE - 1)}…` : text;
}

function shorten(source: string | undefined, cwd: string | undefined): string {
  if (source === undefined) return '';
  if (cwd === undefined || !isAbsolute(source)) return source;
  const path = relative(cwd, source);
  return path.startsWith('..') ? source : path;
}

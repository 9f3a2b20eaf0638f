import { stringify } from 'yaml';
import type { Links, StoredSpec } from '../src/index.ts';

/** The output formats of `-o`. */
export type OutputFormat = 'table' | 'json' | 'yaml';

/** One row of a table: column name → cell text. */
export type Row = Record<string, string>;

/** Renders rows as an aligned, borderless table with upper-case headers (kubectl style). */
export function renderTable(rows: readonly Row[], columns: readonly string[]): string {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('   ').trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...rows.map((row) => line(columns.map((column) => row[column] ?? '')))].join('\n') + '\n';
}

/** Extra table columns (e.g. the apply action): their names and each spec's cells. */
export interface ExtraColumns {
  readonly columns: readonly string[];
  readonly cells: (spec: StoredSpec, index: number) => Row;
}

/** Renders specs in the chosen format; `extra` adds columns to the table. */
export function renderSpecs(specs: readonly StoredSpec[], format: OutputFormat, extra?: ExtraColumns): string {
  if (format === 'json') return JSON.stringify(specs, null, 2) + '\n';
  if (format === 'yaml') return specs.length === 0 ? '[]\n' : stringify(specs);
  const rows = specs.map((spec, index) => ({
    id: spec.id,
    kind: spec.kind,
    namespace: spec.namespace,
    name: spec.name ?? '',
    revision: String(spec.revision),
    links: renderLinks(spec.links),
    ...extra?.cells(spec, index),
  }));
  const columns = ['id', 'kind', 'namespace', 'name', 'revision', 'links', ...(extra?.columns ?? [])];
  return renderTable(rows, columns);
}

/** `out→router.in, error→catch.in`; `<none>` without links. */
export function renderLinks(links: Links | undefined): string {
  const parts: string[] = [];
  for (const [port, targets] of Object.entries(links ?? {})) {
    for (const target of targets) parts.push(`${port}→${target.name ?? target.id}.${target.port}`);
  }
  return parts.length === 0 ? '<none>' : parts.join(', ');
}

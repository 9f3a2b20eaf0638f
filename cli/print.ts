import { stringify } from 'yaml';
import type { Links, StoredSpec } from '../src/index.ts';

/** The output formats of `-o`. */
export type OutputFormat = 'table' | 'json' | 'yaml';

/** The formats of `weft get -o`: the common ones, `wide` (the table with each spec's fields) and `name` (KIND/NAME per line). */
export type SpecOutputFormat = OutputFormat | 'wide' | 'name';

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
export function renderSpecs(specs: readonly StoredSpec[], format: SpecOutputFormat, extra?: ExtraColumns): string {
  if (format === 'json') return JSON.stringify(specs, null, 2) + '\n';
  if (format === 'yaml') return specs.length === 0 ? '[]\n' : stringify(specs);
  if (format === 'name') return specs.map((spec) => `${spec.kind}/${spec.name ?? spec.id}\n`).join('');
  if (format === 'wide') {
    const given = extra;
    extra = {
      columns: [...(given?.columns ?? []), 'fields'],
      cells: (spec, index) => ({ ...given?.cells(spec, index), fields: renderFields(spec) }),
    };
  }
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

/** The longest `fields` cell of `-o wide`. */
const FIELDS_WIDTH = 80;

/** A spec's kind fields on one line (`port=8000 host=127.0.0.1`; objects as compact JSON), cut at FIELDS_WIDTH. */
export function renderFields(spec: StoredSpec): string {
  const { id: _id, kind: _kind, namespace: _namespace, name: _name, revision: _revision, links: _links, annotations: _annotations, ...fields } = spec;
  const text = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value.replace(/\s+/g, ' ') : JSON.stringify(value)}`).join(' ');
  return text.length > FIELDS_WIDTH ? `${text.slice(0, FIELDS_WIDTH - 1)}…` : text;
}

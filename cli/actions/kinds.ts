import type { TSchema } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { WeftError, type KindDefinition, type PortDeclaration, type Scheme, type Spec } from '../../src/index.ts';
import { createScheme } from '../context.ts';
import type { CliIO } from '../io.ts';
import { renderTable, type OutputFormat } from '../print.ts';

/** One field of a kind as `explain` shows it. */
interface FieldInfo {
  readonly field: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}

/** A schema's type in a word or two: string, integer, "a" | "b", list of string, map… */
function typeOf(schema: TSchema): string {
  const node = schema as { type?: unknown; const?: unknown; anyOf?: TSchema[]; items?: TSchema; enum?: unknown[] };
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.anyOf !== undefined) return node.anyOf.map(typeOf).join(' | ');
  if (node.type === 'array') return `list of ${node.items === undefined ? 'any' : typeOf(node.items)}`;
  if (node.type === 'object') return 'map';
  return typeof node.type === 'string' ? node.type : 'any';
}

function fieldsOf(schema: TSchema, prefix = ''): FieldInfo[] {
  const node = schema as { properties?: Record<string, TSchema>; required?: string[] };
  return Object.entries(node.properties ?? {}).map(([name, field]) => ({
    field: `${prefix}${name}`,
    type: typeOf(field),
    required: node.required?.includes(name) ?? false,
    description: String((field as { description?: unknown }).description ?? ''),
  }));
}

/** The schema at a dotted path of a kind's fields (`limits.bodySize`), or undefined. */
function fieldAt(schema: TSchema, path: readonly string[]): TSchema | undefined {
  let current: TSchema | undefined = schema;
  for (const part of path) {
    type Holder = { properties?: Record<string, TSchema>; items?: TSchema; anyOf?: TSchema[] };
    const node = current as Holder | undefined;
    const holder = (node?.properties !== undefined ? node : node?.items ?? node?.anyOf?.find((option) => (option as Holder).properties !== undefined)) as Holder | undefined;
    current = holder?.properties?.[part];
    if (current === undefined) return undefined;
  }
  return current;
}

function definitionOf(scheme: Scheme, kind: string): KindDefinition {
  const definition = scheme.definition(kind);
  if (definition === undefined) throw new WeftError('ERR_KIND_UNKNOWN', { spec: kind, kind });
  return definition;
}

/** Runs `weft kinds` (its definition: cli/commands/kinds.ts). */
export function runKinds(io: CliIO, flags: { output?: OutputFormat }): void {
  const scheme = createScheme();
  const kinds = scheme.kinds.sort().map((kind) => ({ kind, description: scheme.definition(kind)!.description }));
  const format = flags.output ?? 'table';
  if (format === 'json') io.stdout.write(JSON.stringify(kinds, null, 2) + '\n');
  else if (format === 'yaml') io.stdout.write(stringify(kinds));
  else io.stdout.write(renderTable(kinds.map(({ kind, description }) => ({ kind, summary: description.split(/(?<=\.)\s/)[0]! })), ['kind', 'summary']));
}

/** Runs `weft explain` (its definition: cli/commands/kinds.ts). */
export function runExplain(io: CliIO, target: string, flags: { output?: OutputFormat }): void {
  const [kind, ...path] = target.split('.');
  const scheme = createScheme();
  const definition = definitionOf(scheme, kind!);
  const schema = path.length === 0 ? definition.schema : fieldAt(definition.schema, path);
  if (schema === undefined) throw new WeftError('ERR_CONFIG_INVALID', { reason: `kind ${kind} has no field ${path.join('.')} (weft explain ${kind} lists them)` });
  // Ports computed from the spec are shown as a spec with only the kind has them (its defaults).
  const ports = typeof definition.ports === 'function' ? portsOfDefaults(definition.ports, kind!) : definition.ports;
  const fields = fieldsOf(schema, '');
  const info = {
    kind, ...(path.length > 0 ? { field: path.join('.'), type: typeOf(schema) } : {}),
    description: path.length > 0 ? String((schema as { description?: unknown }).description ?? '') : definition.description,
    fields, ...(path.length === 0 && ports !== undefined ? { ports: { in: ports.in, out: ports.out } } : {}),
  };
  const format = flags.output ?? 'table';
  if (format === 'json') return void io.stdout.write(JSON.stringify(info, null, 2) + '\n');
  if (format === 'yaml') return void io.stdout.write(stringify(info));
  const lines = [`KIND: ${kind}${info.field === undefined ? '' : `\nFIELD: ${info.field} (${info.type})`}`, '', info.description, ''];
  if (info.ports !== undefined) lines.push(`PORTS: in: ${info.ports.in.join(', ') || '-'}; out: ${info.ports.out.join(', ') || '-'}`, '');
  io.stdout.write(lines.join('\n') + '\n');
  if (fields.length > 0) io.stdout.write(renderTable(fields.map((field) => ({ ...field, required: field.required ? 'yes' : '' })), ['field', 'type', 'required', 'description']));
}

/** The ports a kind declares for a spec holding nothing but the kind, or undefined when it cannot tell. */
function portsOfDefaults(ports: (spec: Spec) => PortDeclaration, kind: string): PortDeclaration | undefined {
  try {
    return ports({ kind });
  } catch {
    return undefined;
  }
}

import { WeftError } from '../errors/index.ts';
import type { StoredSpec } from '../spec/index.ts';
import type { ValueData } from '../store/index.ts';

/** `{{ values.NAME }}` or `{{ env.NAME }}` inside a string field. */
const TEMPLATE = /\{\{\s*(values|env)\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*(values|env)\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$/;

/** The identity fields of a spec, never templated. */
const IDENTITY = new Set(['id', 'kind', 'namespace', 'name', 'revision', 'links', 'ports']);

/** The names of the values a spec's string fields reference (empty when it uses none). */
export function valueReferences(spec: StoredSpec): Set<string> {
  const names = new Set<string>();
  visit(spec, (text) => {
    for (const match of text.matchAll(TEMPLATE)) if (match[1] === 'values') names.add(match[2]!);
  });
  return names;
}

/** Where template values come from: the namespace's values (clear text) and the environment. */
export interface TemplateSources {
  readonly values: ReadonlyMap<string, ValueData>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The spec with every template replaced, before any codec sees it: a whole-string template
 * keeps the value's JSON type, one inside a longer string is spliced in as text (JSON for a
 * non-string). A missing value or variable throws ERR_TEMPLATE_UNRESOLVED naming the field and
 * the template (never the data). Specs without templates come back as they are.
 */
export function resolveTemplates(spec: StoredSpec, sources: TemplateSources): StoredSpec {
  let changed = false;
  const resolved = transform(spec, '', (text, path) => {
    if (!text.includes('{{')) return text;
    const lookup = (source: string, name: string, template: string): ValueData => {
      const found = source === 'values' ? sources.values.get(name) : sources.env[name];
      if (found === undefined) {
        const reason = source === 'values' ? `no value "${name}" in namespace "${spec.namespace}"` : `the environment variable ${name} is not set`;
        throw new WeftError('ERR_TEMPLATE_UNRESOLVED', { field: path, template, reason }, { details: { field: path, source, name } });
      }
      changed = true;
      return found;
    };
    const whole = WHOLE.exec(text.trim());
    if (whole !== null) return lookup(whole[1]!, whole[2]!, whole[0]);
    return text.replace(TEMPLATE, (template, source: string, name: string) => {
      const value = lookup(source, name, template);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  });
  return changed ? (resolved as StoredSpec) : spec;
}

function visit(value: unknown, onString: (text: string) => void, top = true): void {
  if (typeof value === 'string') onString(value);
  else if (Array.isArray(value)) for (const item of value) visit(item, onString, false);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) if (!(top && IDENTITY.has(key))) visit(child, onString, false);
  }
}

function transform(value: unknown, path: string, onString: (text: string, path: string) => unknown): unknown {
  if (typeof value === 'string') return onString(value, path);
  if (Array.isArray(value)) return value.map((item, index) => transform(item, `${path}[${index}]`, onString));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = path === '' && IDENTITY.has(key) ? child : transform(child, path === '' ? key : `${path}.${key}`, onString);
    return out;
  }
  return value;
}

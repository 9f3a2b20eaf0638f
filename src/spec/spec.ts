/** Where a link points: a target spec (by `name`, else by `id`) in the same namespace, and its in-port. */
export interface PortLocation {
  id?: string;
  name?: string;
  port: string;
}

/** Out-port name → the in-ports it is linked to. */
export type Links = Record<string, PortLocation[]>;

/** The namespace of a spec that names none. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * A node specification: the common fields below plus the fields of its kind, as flat siblings.
 * `ports` is accepted as a synonym of `links` on input (see `normalizeSpec`) and never stored.
 */
export interface Spec {
  id?: string;
  kind: string;
  namespace?: string;
  name?: string;
  annotations?: Record<string, string>;
  links?: Links;
  env?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A spec as a store returns it: id and namespace filled in, with its revision (1 on insert, +1 per update). */
export interface StoredSpec extends Spec {
  id: string;
  namespace: string;
  revision: number;
}

/** The fields every kind shares; all other top-level fields belong to the kind. */
export const COMMON_FIELDS: ReadonlySet<string> = new Set([
  'id', 'kind', 'namespace', 'name', 'annotations', 'links', 'env', 'revision',
]);

/**
 * How a spec is named in messages: `namespace/name`, else its id, else its kind. Never throws:
 * a spec being refused may hold anything in these fields.
 */
export function describeSpec(spec: Partial<Spec>): string {
  const raw: unknown = spec.namespace;
  const namespace = raw === undefined || raw === '' ? DEFAULT_NAMESPACE : typeof raw === 'string' ? raw : '(invalid namespace)';
  if (typeof spec.name === 'string' && spec.name !== '') return `${namespace}/${spec.name}`;
  if (typeof spec.id === 'string' && spec.id !== '') return `${namespace}/${spec.id}`;
  return `${namespace}/(unnamed ${typeof spec.kind === 'string' && spec.kind !== '' ? spec.kind : 'spec'})`;
}

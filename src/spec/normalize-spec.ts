import { DEFAULT_NAMESPACE, type Spec } from './spec.ts';

/**
 * Returns a copy of a raw spec in canonical form: `ports` renamed to `links` (merged when both
 * are present), and `namespace` filled from `fallbackNamespace` (then `default`) when missing.
 * A namespace written in the spec wins over the fallback. Does not validate.
 */
export function normalizeSpec(raw: Record<string, unknown>, fallbackNamespace?: string): Spec {
  const { ports, ...rest } = raw;
  const spec = { ...rest } as Spec;
  if (ports !== undefined) {
    spec.links = (isObject(spec.links) && isObject(ports) ? { ...ports, ...spec.links } : ports) as Spec['links'];
  }
  if (spec.namespace === undefined || spec.namespace === '') spec.namespace = fallbackNamespace ?? DEFAULT_NAMESPACE;
  return spec;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

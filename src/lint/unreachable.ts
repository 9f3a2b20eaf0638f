import type { Problem, Scheme } from '../scheme/index.ts';
import { describeSpec, isLifecyclePort, linkResolver, type PortLocation, type Spec } from '../spec/index.ts';

/**
 * The specs of `specs` that no link reaches from a source: a kind without in-ports (a listener,
 * consumer, schedule, signal) or a spec linking a lifecycle port (`init`), walking links among
 * `specs` and `known` of the same namespace. A namespace with no source at all is a library
 * of nodes run by `weft invoke`: nothing is reported for it. Per spec index, one warning each.
 */
export function unreachableSpecs(scheme: Scheme, specs: readonly Spec[], known: readonly Spec[]): Map<number, Problem[]> {
  // A stored spec the checked list replaces (same id, or same name) is left out: the list's version counts.
  const replaced = new Set(specs.flatMap((spec) => identities(spec)));
  const all = [...known.filter((spec) => !identities(spec).some((key) => replaced.has(key))), ...specs].filter((spec) => typeof spec.namespace === 'string');
  const find = linkResolver(all);
  const roots = all.filter((spec) => isSource(scheme, spec));
  const result = new Map<number, Problem[]>();
  const namespaces = new Set(roots.map((spec) => spec.namespace));
  const reached = new Set<Spec>(roots);
  const queue = [...roots];
  while (queue.length > 0) {
    const spec = queue.pop()!;
    for (const targets of Object.values(isRecord(spec.links) ? spec.links : {})) {
      if (!Array.isArray(targets)) continue;
      for (const target of targets as unknown[]) {
        const found = isRecord(target) ? find(spec.namespace, target as unknown as PortLocation) : undefined;
        if (found === undefined || reached.has(found)) continue;
        reached.add(found);
        queue.push(found);
      }
    }
  }
  specs.forEach((spec, index) => {
    if (reached.has(spec) || !namespaces.has(spec.namespace) || scheme.definition(spec.kind) === undefined) return;
    result.set(index, [{ path: '', code: 'ERR_NODE_UNREACHABLE', message: `${describeSpec(spec)} is reached by no link from a source (a listener, consumer, schedule, signal or init link)` }]);
  });
  return result;
}

function isSource(scheme: Scheme, spec: Spec): boolean {
  if (isRecord(spec.links) && Object.keys(spec.links).some(isLifecyclePort)) return true;
  if (scheme.definition(spec.kind) === undefined) return false;
  try {
    return scheme.portsOf(spec)?.in.length === 0;
  } catch {
    // Ports computed from an invalid spec: the schema reports it; it is no source.
    return false;
  }
}

function identities(spec: Spec): string[] {
  const keys: string[] = [];
  // A namespace that is no string is the schema's to report; it names nothing.
  if (typeof spec.namespace !== 'string') return keys;
  if (typeof spec.id === 'string') keys.push(`${spec.namespace}\u0000i\u0000${spec.id}`);
  if (typeof spec.name === 'string') keys.push(`${spec.namespace}\u0000n\u0000${spec.name}`);
  return keys;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { StoredSpec } from '../spec/index.ts';

/**
 * The specs ordered so that each comes after the specs its links point to (among these specs;
 * links to others are ignored), keeping the given order otherwise. Loading in this order means
 * a replaced node finds its new downstream already loaded, so it can take over at once and
 * nothing upstream of it goes inactive in between. Cycles keep their first-met order.
 */
export function downstreamFirst(specs: readonly StoredSpec[]): StoredSpec[] {
  const byName = new Map<string, StoredSpec>();
  const byId = new Map<string, StoredSpec>();
  for (const spec of specs) {
    byId.set(spec.id, spec);
    if (spec.name !== undefined) byName.set(spec.name, spec);
  }
  const seen = new Set<StoredSpec>();
  const order: StoredSpec[] = [];
  const visit = (spec: StoredSpec): void => {
    if (seen.has(spec)) return;
    seen.add(spec);
    for (const targets of Object.values(spec.links ?? {})) {
      for (const target of targets) {
        const next = target.name !== undefined ? byName.get(target.name) : byId.get(target.id ?? '');
        if (next !== undefined) visit(next);
      }
    }
    order.push(spec);
  };
  for (const spec of specs) visit(spec);
  return order;
}

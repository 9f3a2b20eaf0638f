import { LinkIndex, type StoredSpec } from '../spec/index.ts';

/**
 * The specs ordered so that each comes after the specs its links point to (among these specs;
 * links to others are ignored), keeping the given order otherwise. Loading in this order means
 * a replaced node finds its new downstream already loaded, so it can take over at once and
 * nothing upstream of it goes inactive in between. Cycles keep their first-met order.
 */
export function downstreamFirst(specs: readonly StoredSpec[]): StoredSpec[] {
  const index = new LinkIndex<StoredSpec>();
  for (const spec of specs) index.add(spec);
  const targets = (spec: StoredSpec): StoredSpec[] => {
    const found: StoredSpec[] = [];
    for (const locations of Object.values(spec.links ?? {})) {
      for (const location of locations) {
        const next = index.lookup(location);
        if (next !== undefined) found.push(next);
      }
    }
    return found;
  };
  // Iterative depth-first post-order, so a chain of 100 000 specs does not overflow the stack.
  const seen = new Set<StoredSpec>();
  const order: StoredSpec[] = [];
  for (const root of specs) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: { spec: StoredSpec; next: StoredSpec[]; at: number }[] = [{ spec: root, next: targets(root), at: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.at < top.next.length) {
        const next = top.next[top.at++]!;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push({ spec: next, next: targets(next), at: 0 });
      } else {
        stack.pop();
        order.push(top.spec);
      }
    }
  }
  return order;
}

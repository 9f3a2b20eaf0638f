import type { NodeSymbol } from './node-symbol.ts';

/**
 * The symbols that may be active: complete ones (every link resolved, not failed) whose every
 * downstream symbol may be active too. A greatest fixed point, so a complete cycle is active.
 */
export function activeSet(
  symbols: Iterable<NodeSymbol>,
  downstream: (symbol: NodeSymbol) => readonly NodeSymbol[],
  complete: (symbol: NodeSymbol) => boolean,
): Set<NodeSymbol> {
  const active = new Set<NodeSymbol>();
  for (const symbol of symbols) if (complete(symbol)) active.add(symbol);
  let changed = true;
  while (changed) {
    changed = false;
    for (const symbol of active) {
      if (downstream(symbol).every((target) => active.has(target))) continue;
      active.delete(symbol);
      changed = true;
    }
  }
  return active;
}

/** Orders symbols downstream-first (a depth-first post-order over links); cycles are cut. */
export function downstreamFirst(
  symbols: Iterable<NodeSymbol>,
  downstream: (symbol: NodeSymbol) => readonly NodeSymbol[],
): NodeSymbol[] {
  const order: NodeSymbol[] = [];
  const seen = new Set<NodeSymbol>();
  const visit = (symbol: NodeSymbol): void => {
    if (seen.has(symbol)) return;
    seen.add(symbol);
    for (const target of downstream(symbol)) visit(target);
    order.push(symbol);
  };
  for (const symbol of symbols) visit(symbol);
  return order;
}

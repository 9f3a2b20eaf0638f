import type { NodeSymbol } from './node-symbol.ts';

/** Orders symbols downstream-first (a depth-first post-order over links); cycles are cut. */
export function downstreamFirst(
  symbols: Iterable<NodeSymbol>,
  downstream: (symbol: NodeSymbol) => readonly NodeSymbol[],
): NodeSymbol[] {
  const order: NodeSymbol[] = [];
  const seen = new Set<NodeSymbol>();
  // Iterative, so a chain of 100 000 nodes does not overflow the stack.
  for (const root of symbols) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: { symbol: NodeSymbol; targets: readonly NodeSymbol[]; next: number }[] = [{ symbol: root, targets: downstream(root), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.targets.length) {
        const target = top.targets[top.next++]!;
        if (seen.has(target)) continue;
        seen.add(target);
        stack.push({ symbol: target, targets: downstream(target), next: 0 });
      } else {
        stack.pop();
        order.push(top.symbol);
      }
    }
  }
  return order;
}

import type { InPort } from '../port/index.ts';
import type { PortLocation } from '../spec/index.ts';
import type { NodeSymbol } from './node-symbol.ts';

/** Finds a symbol of the same namespace by the name or id of a link target. */
export type SymbolLookup = (location: PortLocation) => NodeSymbol | undefined;

/** The resolved out-links of one symbol: per out-port, its targets in link order. */
export interface ResolvedLinks {
  readonly ports: Map<string, { targets: InPort[]; symbols: NodeSymbol[] }>;
  /** Human-readable reasons for links that do not resolve (empty when complete). */
  readonly unresolved: string[];
}

/**
 * Resolves a symbol's `links` against the table: a target is found by name (else id) and must
 * have the named in-port; the source must have the out-port. Does not touch any port.
 */
export function resolveLinks(symbol: NodeSymbol, lookup: SymbolLookup): ResolvedLinks {
  const ports: ResolvedLinks['ports'] = new Map();
  const unresolved: string[] = [];
  for (const [outName, locations] of Object.entries(symbol.spec.links ?? {})) {
    const entry = { targets: [] as InPort[], symbols: [] as NodeSymbol[] };
    if (symbol.node.out(outName) === undefined) {
      unresolved.push(`out-port "${outName}" does not exist`);
      continue;
    }
    for (const location of locations) {
      const target = lookup(location);
      const label = location.name ?? location.id ?? '?';
      if (target === undefined) {
        unresolved.push(`${outName} → "${label}" is not loaded`);
        continue;
      }
      const inPort = target.node.in(location.port);
      if (inPort === undefined) {
        unresolved.push(`${outName} → "${label}" has no in-port "${location.port}"`);
        continue;
      }
      entry.targets.push(inPort);
      entry.symbols.push(target);
    }
    ports.set(outName, entry);
  }
  return { ports, unresolved };
}

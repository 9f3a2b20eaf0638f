import type { InPort } from '../port/index.ts';
import type { PortLocation } from '../spec/index.ts';
import type { NodeSymbol } from './node-symbol.ts';
import { unavailablePort } from './unavailable-port.ts';

/** Finds a symbol of the same namespace by the name or id of a link target. */
export type SymbolLookup = (location: PortLocation) => NodeSymbol | undefined;

/** Why a link target that is not in the table is missing (e.g. "it failed to load: …"), if known. */
export type MissingReason = (location: PortLocation) => string | undefined;

/** Chooses the in-port a resolved link binds (the target's own, or a probe in front of it: see LinkObserver). */
export type BindPort = (source: NodeSymbol, outName: string, target: NodeSymbol, inPort: InPort) => InPort;

/** The resolved out-links of one symbol: per out-port, its targets in link order. */
export interface ResolvedLinks {
  /** Per out-port: the in-ports it writes to (stand-ins for unavailable targets) and the symbols resolved. */
  readonly ports: Map<string, { targets: InPort[]; symbols: NodeSymbol[] }>;
  /** Human-readable reasons for links that do not resolve (empty when complete). */
  readonly unresolved: string[];
  /** The targets answered by an ERR_NODE_UNAVAILABLE stand-in, by name or id. */
  readonly unavailable: string[];
}

/**
 * Resolves a symbol's `links` against the table: a target is found by name (else id) and must
 * have the named in-port; the source must have the out-port. A target that is missing, failed
 * to activate, or lacks the in-port is bound to an `unavailablePort` instead, so the paths
 * through it answer 503 and the rest of the workflow serves. `bind` picks the in-port bound for
 * a target that serves (default: its own). Does not touch any port.
 */
export function resolveLinks(symbol: NodeSymbol, lookup: SymbolLookup, whyMissing?: MissingReason, bind?: BindPort): ResolvedLinks {
  const ports: ResolvedLinks['ports'] = new Map();
  const unresolved: string[] = [];
  const unavailable: string[] = [];
  for (const [outName, locations] of Object.entries(symbol.spec.links ?? {})) {
    const entry = { targets: [] as InPort[], symbols: [] as NodeSymbol[] };
    if (symbol.out(outName) === undefined) {
      unresolved.push(`out-port "${outName}" does not exist`);
      continue;
    }
    for (const location of locations) {
      const label = location.name ?? location.id ?? '?';
      const target = lookup(location);
      const inPort = target?.node.in(location.port);
      if (target === undefined || inPort === undefined) {
        const reason = target === undefined ? `"${label}" is not loaded` : `"${label}" has no in-port "${location.port}"`;
        unresolved.push(`${outName} → ${reason}`);
        unavailable.push(label);
        const why = target === undefined ? () => whyMissing?.(location) ?? 'it is not loaded' : () => `it has no in-port "${location.port}"`;
        entry.targets.push(unavailablePort(label, location.port, why));
        continue;
      }
      if (target.state === 'failed') {
        unavailable.push(label);
        entry.targets.push(unavailablePort(label, location.port, () => `it failed to activate: ${target.error?.message ?? 'unknown error'}`));
      } else {
        entry.targets.push(bind === undefined ? inPort : bind(symbol, outName, target, inPort));
      }
      entry.symbols.push(target);
    }
    ports.set(outName, entry);
  }
  return { ports, unresolved, unavailable };
}

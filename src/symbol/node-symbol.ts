import type { Node } from '../node/index.ts';
import type { Links, Spec } from '../spec/index.ts';
import type { ResolvedLinks } from './resolve-links.ts';

/**
 * Where a symbol stands: `active` once activated (serving; links to targets that cannot serve
 * answer 503), `inactive` before that and after deactivation, `failed` when activation threw
 * (retried by `SymbolTable.retryFailed`).
 */
export type SymbolState = 'inactive' | 'active' | 'failed';

/** A spec with an id (what the symbol table holds). */
export type IdentifiedSpec = Spec & { id: string; namespace: string };

/** A compiled node in the symbol table, with its spec, its resolved links and its state. */
export class NodeSymbol {
  readonly spec: IdentifiedSpec;
  readonly node: Node;
  state: SymbolState = 'inactive';
  /** Links that do not resolve (missing targets or ports), as readable reasons; empty when complete. */
  problems: string[] = [];
  /** The activation error of a failed symbol. */
  error: Error | undefined;
  /** The links as last bound to the node's out-ports. */
  resolved: ResolvedLinks | undefined;

  constructor(spec: IdentifiedSpec, node: Node) {
    this.spec = spec;
    this.node = node;
  }

  get id(): string {
    return this.spec.id;
  }

  get name(): string | undefined {
    return this.spec.name;
  }

  get links(): Links | undefined {
    return this.spec.links;
  }

  /** The symbols its links resolve to (stand-ins for unavailable targets excluded). */
  get downstream(): NodeSymbol[] {
    if (this.resolved === undefined) return [];
    const targets: NodeSymbol[] = [];
    for (const entry of this.resolved.ports.values()) targets.push(...entry.symbols);
    return targets;
  }
}

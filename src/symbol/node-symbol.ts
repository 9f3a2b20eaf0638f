import type { Node } from '../node/index.ts';
import type { Spec } from '../spec/index.ts';

/** Where a symbol stands: serving, waiting for its downstream, or failed to activate. */
export type SymbolState = 'inactive' | 'active' | 'failed';

/** A spec with an id (what the symbol table holds). */
export type IdentifiedSpec = Spec & { id: string; namespace: string };

/** A compiled node in the symbol table, with its spec and activation state. */
export class NodeSymbol {
  readonly spec: IdentifiedSpec;
  readonly node: Node;
  state: SymbolState = 'inactive';
  /** Why the symbol is inactive or failed: links that do not resolve, or the activation error. */
  problems: string[] = [];
  error: Error | undefined;

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
}

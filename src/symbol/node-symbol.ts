import type { Node } from '../node/index.ts';
import { OutPort } from '../port/index.ts';
import { isLifecyclePort, type Links, type Spec } from '../spec/index.ts';
import type { ProbedPort } from './probed-port.ts';
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
  /** The probing in-ports of its links when the table has an observer, by out-port, target id and in-port. */
  probes: Map<string, ProbedPort> | undefined;
  /** Whether its `init` port has run and answered (it runs once per symbol, i.e. per load of a spec version). */
  initialized = false;
  /** The lifecycle out-ports (`init`) the spec links, made on first use; the table writes them, not the node. */
  #lifecycle: Map<string, OutPort> | undefined;

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

  /**
   * The out-port called `name`: the node's own, else a lifecycle port (`init`) that the symbol
   * holds for the node, so every kind has them without knowing about them.
   */
  out(name: string): OutPort | undefined {
    const own = this.node.out(name);
    if (own !== undefined || !isLifecyclePort(name)) return own;
    this.#lifecycle ??= new Map();
    let port = this.#lifecycle.get(name);
    if (port === undefined) {
      port = new OutPort(name);
      this.#lifecycle.set(name, port);
    }
    return port;
  }

  /** The lifecycle port called `name` when the spec links it (and so it exists), else undefined. */
  lifecycle(name: string): OutPort | undefined {
    return this.#lifecycle?.get(name);
  }

  /** The symbols its links resolve to (stand-ins for unavailable targets excluded). */
  get downstream(): NodeSymbol[] {
    if (this.resolved === undefined) return [];
    const targets: NodeSymbol[] = [];
    for (const entry of this.resolved.ports.values()) targets.push(...entry.symbols);
    return targets;
  }
}

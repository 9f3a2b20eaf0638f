import { toWeftError } from '../errors/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import type { Node } from '../node/index.ts';
import type { PortLocation } from '../spec/index.ts';
import { activeSet, downstreamFirst } from './activation.ts';
import { NodeSymbol, type IdentifiedSpec } from './node-symbol.ts';
import { resolveLinks, type ResolvedLinks, type SymbolLookup } from './resolve-links.ts';

/** Options of a SymbolTable. */
export interface SymbolTableOptions {
  readonly namespace: string;
  readonly logger?: Logger;
  /**
   * Resolves once the work that could still reach a node replaced or removed now has ended
   * (a ProcessGroup checkpoint); the old node is closed after it. Default: at once.
   */
  readonly drained?: () => Promise<void>;
}

/**
 * The compiled nodes of one namespace, linked by their specs. Links bind late (a target may
 * arrive later); a symbol is active only when its whole downstream is linked and active;
 * activation runs downstream-first, deactivation upstream-first. Replacing a symbol activates
 * the new node first, then swaps every link in one synchronous step; the old node finishes
 * its in-flight work and is closed once drained. Operations are serialised.
 */
export class SymbolTable {
  readonly namespace: string;
  readonly #logger: Logger;
  readonly #drained: () => Promise<void>;
  readonly #byId = new Map<string, NodeSymbol>();
  readonly #byName = new Map<string, NodeSymbol>();
  readonly #links = new Map<NodeSymbol, ResolvedLinks>();
  readonly #retiring = new Set<Promise<void>>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SymbolTableOptions) {
    this.namespace = options.namespace;
    this.#logger = options.logger ?? silentLogger;
    this.#drained = options.drained ?? (() => Promise.resolve());
  }

  get size(): number {
    return this.#byId.size;
  }

  get symbols(): NodeSymbol[] {
    return [...this.#byId.values()];
  }

  get(id: string): NodeSymbol | undefined {
    return this.#byId.get(id);
  }

  byName(name: string): NodeSymbol | undefined {
    return this.#byName.get(name);
  }

  /**
   * Inserts a compiled node, replacing the symbol with the same id. When the replacement cannot
   * be activated, the old symbol stays, the new node is closed, and the error is thrown.
   */
  insert(spec: IdentifiedSpec, node: Node): Promise<NodeSymbol> {
    return this.#serial(() => this.#insert(spec, node));
  }

  /** Removes a symbol: what depends on it deactivates, and the node is closed once drained. */
  remove(id: string): Promise<boolean> {
    return this.#serial(() => this.#remove(id));
  }

  /** Tries again to activate symbols whose activation failed (e.g. a port that was busy). */
  retryFailed(): Promise<void> {
    return this.#serial(async () => {
      for (const symbol of this.#byId.values()) if (symbol.state === 'failed') symbol.state = 'inactive';
      await this.#refresh();
    });
  }

  /** Deactivates everything upstream-first, closes every node, and waits for retired ones. */
  close(): Promise<void> {
    return this.#serial(async () => {
      const order = downstreamFirst(this.#byId.values(), (symbol) => this.#downstream(symbol)).reverse();
      for (const symbol of order) if (symbol.state === 'active') await this.#deactivate(symbol);
      for (const symbol of order) await this.#closeNode(symbol);
      this.#byId.clear();
      this.#byName.clear();
      this.#links.clear();
      await Promise.all(this.#retiring);
    });
  }

  async #insert(spec: IdentifiedSpec, node: Node): Promise<NodeSymbol> {
    if (spec.namespace !== this.namespace) {
      throw new Error(`spec ${spec.id} is in namespace ${spec.namespace}, not ${this.namespace}`);
    }
    const symbol = new NodeSymbol(spec, node);
    const old = this.#byId.get(spec.id);
    const lookup: SymbolLookup = (location) => (refersTo(location, spec) ? symbol : this.#lookup(location));
    const own = resolveLinks(symbol, lookup);
    this.#applyLinks(symbol, own);
    const ready = own.unresolved.length === 0 &&
      [...own.ports.values()].every((entry) => entry.symbols.every((target) => target === symbol || target.state === 'active'));
    if (ready) {
      if (old !== undefined) node.adopt?.(old.node);
      try {
        await node.activate?.();
        symbol.state = 'active';
      } catch (thrown) {
        // The old node keeps serving: it takes back whatever the new one adopted from it.
        if (old !== undefined) old.node.adopt?.(node);
        this.#links.delete(symbol);
        await this.#closeNode(symbol);
        throw toWeftError(thrown);
      }
    }
    if (old !== undefined) this.#unindex(old);
    this.#byId.set(spec.id, symbol);
    if (spec.name) this.#byName.set(spec.name, symbol);
    this.#relinkAll();
    await this.#refresh();
    if (old !== undefined) this.#retire(old);
    this.#logger.debug({ node: spec.name ?? spec.id, kind: spec.kind, state: symbol.state }, old ? 'node replaced' : 'node loaded');
    return symbol;
  }

  async #remove(id: string): Promise<boolean> {
    const symbol = this.#byId.get(id);
    if (symbol === undefined) return false;
    this.#unindex(symbol);
    this.#relinkAll();
    await this.#refresh();
    this.#retire(symbol);
    this.#logger.debug({ node: symbol.name ?? id, kind: symbol.spec.kind }, 'node removed');
    return true;
  }

  /** Brings every symbol's state in line with its links: deactivate upstream-first, activate downstream-first. */
  async #refresh(): Promise<void> {
    for (let pass = 0; pass < this.#byId.size + 1; pass++) {
      const downstream = (symbol: NodeSymbol): readonly NodeSymbol[] => this.#downstream(symbol);
      const candidates = activeSet(this.#byId.values(), downstream, (s) => s.problems.length === 0 && s.state !== 'failed');
      const order = downstreamFirst(this.#byId.values(), downstream);
      for (const symbol of [...order].reverse()) {
        if (symbol.state === 'active' && !candidates.has(symbol)) await this.#deactivate(symbol);
      }
      let failed = false;
      const position = new Map(order.map((symbol, index) => [symbol, index]));
      for (const symbol of order) {
        if (symbol.state === 'active' || !candidates.has(symbol)) continue;
        // Targets earlier in the order were just handled and must be active now; later ones are
        // the back edges of a cycle, which activates as a whole.
        const ready = downstream(symbol).every((target) =>
          target === symbol || (position.get(target)! < position.get(symbol)! ? target.state === 'active' : candidates.has(target)));
        if (!ready) continue;
        try {
          await symbol.node.activate?.();
          symbol.state = 'active';
          symbol.error = undefined;
        } catch (thrown) {
          symbol.state = 'failed';
          symbol.error = toWeftError(thrown);
          failed = true;
          this.#logger.error({ node: symbol.name ?? symbol.id, err: symbol.error }, 'node failed to activate');
        }
      }
      if (!failed) return;
    }
  }

  #relinkAll(): void {
    for (const symbol of this.#byId.values()) this.#applyLinks(symbol, resolveLinks(symbol, (location) => this.#lookup(location)));
  }

  #applyLinks(symbol: NodeSymbol, resolved: ResolvedLinks): void {
    for (const [outName, entry] of resolved.ports) symbol.node.out(outName)?.setLinks(entry.targets);
    symbol.problems = resolved.unresolved;
    this.#links.set(symbol, resolved);
  }

  #downstream(symbol: NodeSymbol): NodeSymbol[] {
    const resolved = this.#links.get(symbol);
    if (resolved === undefined) return [];
    return [...resolved.ports.values()].flatMap((entry) => entry.symbols);
  }

  #lookup(location: PortLocation): NodeSymbol | undefined {
    return location.name !== undefined ? this.#byName.get(location.name) : this.#byId.get(location.id ?? '');
  }

  #unindex(symbol: NodeSymbol): void {
    this.#byId.delete(symbol.id);
    if (symbol.name && this.#byName.get(symbol.name) === symbol) this.#byName.delete(symbol.name);
    this.#links.delete(symbol);
  }

  /** Deactivates a symbol that left the table at once, and closes it after the drain, off the queue. */
  #retire(symbol: NodeSymbol): void {
    const retiring = (async () => {
      if (symbol.state === 'active') await this.#deactivate(symbol);
      await this.#drained();
      await this.#closeNode(symbol);
    })();
    this.#retiring.add(retiring);
    void retiring.finally(() => this.#retiring.delete(retiring));
  }

  async #deactivate(symbol: NodeSymbol): Promise<void> {
    symbol.state = 'inactive';
    try {
      await symbol.node.deactivate?.();
    } catch (thrown) {
      this.#logger.warn({ node: symbol.name ?? symbol.id, err: toWeftError(thrown) }, 'node failed to deactivate');
    }
  }

  async #closeNode(symbol: NodeSymbol): Promise<void> {
    try {
      await symbol.node.close();
    } catch (thrown) {
      this.#logger.warn({ node: symbol.name ?? symbol.id, err: toWeftError(thrown) }, 'node failed to close');
    }
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function refersTo(location: PortLocation, spec: IdentifiedSpec): boolean {
  return location.name !== undefined ? location.name === spec.name : location.id === spec.id;
}

import { toWeftError, WeftError } from '../errors/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import type { Node } from '../node/index.ts';
import { Packet } from '../packet/index.ts';
import type { InPort, OutPort } from '../port/index.ts';
import { Process } from '../process/index.ts';
import { LinkIndex } from '../spec/index.ts';
import { downstreamFirst } from './activation.ts';
import { NodeSymbol, type IdentifiedSpec } from './node-symbol.ts';
import type { LinkObserver } from './link-observer.ts';
import { ProbedPort } from './probed-port.ts';
import { resolveLinks, type BindPort, type MissingReason } from './resolve-links.ts';
import { Slicer } from './slicer.ts';

/** Options of a SymbolTable. */
export interface SymbolTableOptions {
  readonly namespace: string;
  readonly logger?: Logger;
  /**
   * Resolves once the work that could still reach a node replaced or removed now has ended
   * (a ProcessGroup checkpoint); the old node is closed after it. Default: at once.
   */
  readonly drained?: () => Promise<void>;
  /** The longest a replaced or removed node waits for `drained` before it is closed anyway (default 10 s). */
  readonly retireTimeoutMs?: number;
  /** Why a link target is not in the table (the loader knows which specs failed to load). */
  readonly whyMissing?: MissingReason;
  /** Starts the root process a node's `init` port is written in (the runtime's group); default: a bare Process. */
  readonly spawn?: () => Process;
  /** The longest a node's `init` reply is waited for before its load fails (default 30 s). */
  readonly initTimeoutMs?: number;
  /** Watches every node hop (see LinkObserver); default none: links bind the targets' in-ports directly. */
  readonly observer?: LinkObserver;
}

/** A batch of changes applied as one state change: nodes to insert or replace, ids to remove. */
export interface TableChange {
  readonly upserts?: readonly { readonly spec: IdentifiedSpec; readonly node: Node }[];
  readonly removals?: readonly string[];
}

/** What a batch did: the symbols now in the table, the replacements refused, the symbols removed. */
export interface TableResult {
  readonly loaded: readonly NodeSymbol[];
  /** Replacements whose node failed to activate: the previous node keeps serving. */
  readonly refused: readonly { readonly spec: IdentifiedSpec; readonly error: Error }[];
  readonly removed: readonly NodeSymbol[];
}

const DEFAULT_RETIRE_TIMEOUT_MS = 10_000;
const DEFAULT_INIT_TIMEOUT_MS = 30_000;

/**
 * The compiled nodes of one namespace, linked by their specs through a LinkIndex, so a change
 * touches only the nodes it affects. Every node is activated (downstream-first) as soon as it
 * is inserted; a link to a node that is missing or cannot serve is bound to a stand-in that
 * answers ERR_NODE_UNAVAILABLE, so only the paths through it fail, and it binds to the real node
 * when that arrives (late binding). A replacement is activated first, then every link to the
 * old node moves to it in one synchronous step; the old node finishes its in-flight work and is
 * closed once drained (or at the retire deadline). Operations are serialised; long batches
 * yield to the event loop between slices while the nodes they replace keep serving.
 */
export class SymbolTable {
  readonly namespace: string;
  readonly #logger: Logger;
  readonly #drained: () => Promise<void>;
  readonly #retireTimeoutMs: number;
  readonly #whyMissing: MissingReason | undefined;
  readonly #spawn: () => Process;
  readonly #initTimeoutMs: number;
  readonly #bind: BindPort | undefined;
  readonly #index = new LinkIndex<NodeSymbol>();
  readonly #retiring = new Set<Promise<void>>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SymbolTableOptions) {
    this.namespace = options.namespace;
    this.#logger = options.logger ?? silentLogger;
    this.#drained = options.drained ?? (() => Promise.resolve());
    this.#retireTimeoutMs = options.retireTimeoutMs ?? DEFAULT_RETIRE_TIMEOUT_MS;
    this.#whyMissing = options.whyMissing;
    this.#spawn = options.spawn ?? (() => new Process());
    this.#initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const observer = options.observer;
    this.#bind = observer === undefined ? undefined : (source, outName, target, inPort) => this.#probed(observer, source, outName, target, inPort);
  }

  get size(): number {
    return this.#index.size;
  }

  get symbols(): NodeSymbol[] {
    return [...this.#index.values()];
  }

  get(id: string): NodeSymbol | undefined {
    return this.#index.get(id);
  }

  byName(name: string): NodeSymbol | undefined {
    return this.#index.byName(name);
  }

  /** Applies inserts, replacements and removals as one state change (see the class comment). */
  apply(change: TableChange): Promise<TableResult> {
    return this.#serial(() => this.#apply(change));
  }

  /**
   * Inserts a compiled node, replacing the symbol with the same id. When a replacement cannot be
   * activated, the old symbol stays, the new node is closed, and the error is thrown; a new node
   * that fails to activate stays in the table as `failed` (see `retryFailed`).
   */
  async insert(spec: IdentifiedSpec, node: Node): Promise<NodeSymbol> {
    const result = await this.apply({ upserts: [{ spec, node }] });
    if (result.refused.length > 0) throw result.refused[0]!.error;
    return result.loaded[0]!;
  }

  /** Removes a symbol: links to it answer ERR_NODE_UNAVAILABLE, and the node is closed once drained. */
  async remove(id: string): Promise<boolean> {
    const result = await this.apply({ removals: [id] });
    return result.removed.length > 0;
  }

  /** Tries again to activate symbols whose activation failed (e.g. a port that was busy). */
  retryFailed(): Promise<void> {
    return this.#serial(async () => {
      const relink = new Set<NodeSymbol>();
      for (const symbol of this.#index.values()) {
        if (symbol.state !== 'failed') continue;
        const before = symbol.error;
        if (await this.#activate(symbol, false)) {
          this.#index.dependentsOf(symbol, relink);
          continue;
        }
        // Logged again only when the failure changed (a failing init retried with backoff says so once).
        const fields = { node: label(symbol), err: symbol.error };
        if (codeOf(before) !== codeOf(symbol.error) || before?.message !== symbol.error?.message) this.#logger.error(fields, 'node failed to activate');
        else this.#logger.debug(fields, 'node failed to activate');
      }
      for (const symbol of relink) this.#link(symbol);
    });
  }

  /** Deactivates everything upstream-first, closes every node, and waits for retired ones. */
  close(): Promise<void> {
    return this.#serial(async () => {
      const order = downstreamFirst(this.#index.values(), (symbol) => symbol.downstream).reverse();
      for (const symbol of order) if (symbol.state === 'active') await this.#deactivate(symbol);
      for (const symbol of order) await this.#closeNode(symbol);
      this.#index.clear();
      await Promise.all(this.#retiring);
    });
  }

  async #apply(change: TableChange): Promise<TableResult> {
    const slicer = new Slicer();
    const replaced = new Map<NodeSymbol, NodeSymbol>();
    const removed: NodeSymbol[] = [];
    const fresh: NodeSymbol[] = [];
    for (const { spec } of change.upserts ?? []) {
      if (spec.namespace !== this.namespace) throw new Error(`spec ${spec.id} is in namespace ${spec.namespace}, not ${this.namespace}`);
    }
    // Index first (invisible to traffic: ports still hold their old links), old entries out first
    // so that a batch may swap names between specs.
    for (const { spec, node } of change.upserts ?? []) {
      const symbol = new NodeSymbol(spec, node);
      const old = this.#index.get(spec.id);
      if (old !== undefined) {
        this.#index.delete(old);
        replaced.set(symbol, old);
      }
      fresh.push(symbol);
    }
    const upserted = new Set(fresh.map((symbol) => symbol.id));
    for (const id of change.removals ?? []) {
      const symbol = this.#index.get(id);
      if (symbol === undefined || upserted.has(id)) continue;
      this.#index.delete(symbol);
      removed.push(symbol);
    }
    for (const symbol of fresh) {
      this.#index.add(symbol);
      await slicer.pause();
    }

    // Activate downstream-first, each with its own links bound first (a listener must not serve
    // before its out-port leads somewhere). A replacement that fails puts the old node back.
    const refused: { spec: IdentifiedSpec; error: Error }[] = [];
    const freshSet = new Set(fresh);
    const order = downstreamFirst(fresh, (symbol) => this.#freshTargets(symbol, freshSet));
    for (const symbol of order) {
      this.#link(symbol);
      const old = replaced.get(symbol);
      if (old !== undefined) symbol.node.adopt?.(old.node);
      if (await this.#activate(symbol, old === undefined)) {
        await slicer.pause();
        continue;
      }
      if (old !== undefined) {
        // The old node keeps serving: it takes back whatever the new one adopted from it.
        old.node.adopt?.(symbol.node);
        this.#index.delete(symbol);
        this.#index.add(old);
        replaced.delete(symbol);
        freshSet.delete(symbol);
        refused.push({ spec: symbol.spec, error: symbol.error! });
        await this.#closeNode(symbol);
      }
      await slicer.pause();
    }

    // The swap, in one synchronous step: the nodes already running that name what changed are
    // bound again. Fresh nodes were bound before they activated, so only those naming a fresh
    // node that then failed to activate (or was refused) are bound again.
    const unsettled = new Set<NodeSymbol>();
    for (const symbol of fresh) if (!freshSet.has(symbol) || symbol.state === 'failed') this.#index.dependentsOf(symbol, unsettled);
    const relink = new Set<NodeSymbol>();
    for (const changed of [...fresh, ...replaced.values(), ...removed]) {
      for (const dependent of this.#index.dependentsOf(changed)) if (!freshSet.has(dependent) || unsettled.has(dependent)) relink.add(dependent);
    }
    for (const symbol of relink) if (this.#index.get(symbol.id) === symbol) this.#link(symbol);

    const retired = [...replaced.values(), ...removed];
    if (retired.length > 0) {
      const drained = this.#drainedWithin();
      for (const symbol of retired) this.#retire(symbol, drained);
    }
    const loaded = [...freshSet];
    if (loaded.length + removed.length <= 20) {
      for (const symbol of loaded) this.#logger.debug({ node: label(symbol), kind: symbol.spec.kind, state: symbol.state }, replaced.has(symbol) ? 'node replaced' : 'node loaded');
      for (const symbol of removed) this.#logger.debug({ node: label(symbol), kind: symbol.spec.kind }, 'node removed');
    }
    return { loaded, refused, removed };
  }

  /** Binds a symbol's out-ports to what its links name now, and logs when that leaves targets unavailable. */
  #link(symbol: NodeSymbol): void {
    const before = symbol.resolved?.unavailable;
    const resolved = resolveLinks(symbol, (location) => this.#index.lookup(location), this.#whyMissing, this.#bind);
    for (const [outName, entry] of resolved.ports) symbol.out(outName)?.setLinks(entry.targets);
    symbol.problems = resolved.unresolved;
    symbol.resolved = resolved;
    const now = resolved.unavailable;
    if (now.length > 0 && (before === undefined || now.join('\u0000') !== before.join('\u0000'))) {
      this.#logger.warn({ node: label(symbol), unavailable: now, problems: resolved.unresolved }, 'node links to unavailable nodes: those paths answer 503');
    } else if (now.length === 0 && before !== undefined && before.length > 0) {
      this.#logger.info({ node: label(symbol) }, 'node links resolve again');
    }
  }

  /** The probing port for one link, kept on the source symbol so a rebind to the same target keeps it (and `setLinks` stays a no-op). */
  #probed(observer: LinkObserver, source: NodeSymbol, outName: string, target: NodeSymbol, inPort: InPort): InPort {
    const key = `${outName}\u0000${target.id}\u0000${inPort.name}`;
    const probes = (source.probes ??= new Map());
    const known = probes.get(key);
    if (known !== undefined && known.target === inPort) return known;
    const end = (of: NodeSymbol, port: string) => ({ node: of.name ?? of.id, kind: of.spec.kind, port });
    const port = new ProbedPort(inPort, observer.probe({ namespace: this.namespace, source: end(source, outName), target: end(target, inPort.name) }));
    probes.set(key, port);
    return port;
  }

  /** The fresh symbols a fresh symbol's links name (the order of activation within a batch). */
  #freshTargets(symbol: NodeSymbol, fresh: ReadonlySet<NodeSymbol>): NodeSymbol[] {
    const targets: NodeSymbol[] = [];
    for (const locations of Object.values(symbol.spec.links ?? {})) {
      for (const location of locations) {
        const target = this.#index.lookup(location);
        if (target !== undefined && fresh.has(target)) targets.push(target);
      }
    }
    return targets;
  }

  /**
   * Activates a symbol: its `init` lifecycle port first (once per symbol, i.e. per load of a
   * spec version), then the node's own `activate`. False (state `failed`, error kept) when
   * either fails.
   */
  async #activate(symbol: NodeSymbol, logFailure = true): Promise<boolean> {
    try {
      if (!symbol.initialized) {
        const init = symbol.lifecycle('init');
        if (init !== undefined && init.links.length > 0) await this.#init(symbol, init);
        symbol.initialized = true;
      }
      const activating = symbol.node.activate?.();
      if (activating !== undefined) await activating;
      symbol.state = 'active';
      symbol.error = undefined;
      return true;
    } catch (thrown) {
      symbol.state = 'failed';
      symbol.error = toWeftError(thrown);
      if (logFailure) this.#logger.error({ node: label(symbol), err: symbol.error }, 'node failed to activate');
      return false;
    }
  }

  /**
   * Sends the node's spec to what its `init` port links to, in a fresh root process, and waits
   * (at most initTimeoutMs) for the reply; an error reply, a throw or the deadline throws
   * ERR_INIT_FAILED naming the node, with the cause.
   */
  async #init(symbol: NodeSymbol, init: OutPort): Promise<void> {
    const process = this.#spawn();
    let timer: NodeJS.Timeout | undefined;
    let reason: string | undefined;
    let cause: Error | undefined;
    try {
      const reply = init.write(process, new Packet(structuredClone(symbol.spec)));
      const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, this.#initTimeoutMs, undefined)));
      const settled = reply instanceof Packet ? reply : await Promise.race([reply, deadline]);
      if (settled === undefined) reason = `no reply within ${this.#initTimeoutMs} ms`;
      else if (settled.payload instanceof Error) cause = settled.payload;
    } catch (thrown) {
      cause = toWeftError(thrown);
    } finally {
      clearTimeout(timer);
    }
    if (reason === undefined && cause === undefined) return await process.finish();
    const error = new WeftError('ERR_INIT_FAILED', { node: label(symbol), reason: reason ?? cause!.message }, cause === undefined ? {} : { cause });
    // A timed-out init is ended (its waits abort); a failed one ends once its children have.
    await (reason === undefined ? process.finish(error) : process.exit(error));
    throw error;
  }

  /** One drain checkpoint for a batch, bounded by the retire deadline. */
  #drainedWithin(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#retireTimeoutMs);
      timer.unref();
      void this.#drained().then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Deactivates a symbol that left the table at once, and closes it after the drain, off the queue. */
  #retire(symbol: NodeSymbol, drained: Promise<void>): void {
    const retiring = (async () => {
      if (symbol.state === 'active') await this.#deactivate(symbol);
      await drained;
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
      this.#logger.warn({ node: label(symbol), err: toWeftError(thrown) }, 'node failed to deactivate');
    }
  }

  async #closeNode(symbol: NodeSymbol): Promise<void> {
    try {
      await symbol.node.close();
    } catch (thrown) {
      this.#logger.warn({ node: label(symbol), err: toWeftError(thrown) }, 'node failed to close');
    }
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function codeOf(error: Error | undefined): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

function label(symbol: NodeSymbol): string {
  return symbol.name ?? symbol.id;
}

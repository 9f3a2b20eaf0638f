import { TokenRegistry, TokenVerifier } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import { LanguageRegistry } from '../language/index.ts';
import { Loader, type LoaderEvent } from '../loader/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import { ProcessGroup } from '../process/index.ts';
import { createCodecContext, SpecChanges, type HealthRegistry, type NetworkPolicy, type Scheme, type SyscallTable } from '../scheme/index.ts';
import { DEFAULT_NAMESPACE } from '../spec/index.ts';
import { isValueStore, type SecretKeyring, type SpecStore } from '../store/index.ts';
import { SymbolTable } from '../symbol/index.ts';
import type { NodeStatus } from './node-status.ts';
import type { RuntimeObserver } from './runtime-observer.ts';

/** Options of a Runtime; `store` and `scheme` are required, the rest have defaults. */
export interface RuntimeOptions {
  readonly store: SpecStore;
  readonly scheme: Scheme;
  readonly namespace?: string;
  readonly languages?: LanguageRegistry;
  readonly logger?: Logger;
  /** How long `close` waits for in-flight processes, and a replaced node for its in-flight work before it is closed (default 10 s). */
  readonly drainTimeoutMs?: number;
  /** The longest a root process (a request, a message, a tick) may run; 0 for no limit (default 5 minutes). */
  readonly processTimeoutMs?: number;
  /** How much work sources may hold while the namespace is paused; past it, work is refused (ERR_BACKLOG_FULL). Default 10 000. */
  readonly backlogLimit?: number;
  /** The longest a node's `init` lifecycle port may take to answer before its load fails (default 30 s). */
  readonly initTimeoutMs?: number;
  /** Whether `close` also closes the store (default true). */
  readonly closeStore?: boolean;
  readonly onEvent?: (event: LoaderEvent) => void;
  /** The observation hook (metrics, events, tracing): see RuntimeObserver. Default none. */
  readonly observer?: RuntimeObserver;
  /** Where sources register their readiness (CodecContext.health); default none. */
  readonly health?: HealthRegistry;
  /** The system calls offered to `syscall` nodes, by opcode (default: none). */
  readonly syscalls?: SyscallTable;
  /** What network-facing nodes may do (bind, Host names); default: no restriction. */
  readonly network?: NetworkPolicy;
  /** The master keys that open secrets used by `{{ values.NAME }}` templates (default none). */
  readonly keyring?: SecretKeyring;
  /** What `{{ env.NAME }}` templates read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Checks API tokens for listeners with `auth` (default: one over the store, when it keeps values). */
  readonly tokens?: TokenVerifier;
}

/** How long `close` waits for in-flight work, and a replaced node for the work that may reach it. */
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** The default maximum duration of a root process. */
const DEFAULT_PROCESS_TIMEOUT_MS = 300_000;
/** How long the processes ended at the drain deadline may take to run their exit hooks. */
const EXIT_ALL_TIMEOUT_MS = 1000;

/** The lifecycle states of a runtime. */
export type RuntimeState = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * One namespace running: store + scheme + loader + symbol table, and the process group that
 * sources start work in. `close` stops sources from admitting work, waits for in-flight
 * processes (up to the drain deadline), unloads the nodes and closes the store.
 */
export class Runtime {
  readonly namespace: string;
  readonly processes: ProcessGroup;
  readonly table: SymbolTable;
  readonly loader: Loader;
  /** The scheme its specs compile with (what the ops console asks for a kind's ports). */
  readonly scheme: Scheme;
  /** The namespace's spec changes, published by the loader once loaded (the `signal` kind's feed). */
  readonly specChanges = new SpecChanges();
  readonly #options: RuntimeOptions;
  readonly #logger: Logger;
  #state: RuntimeState = 'idle';
  #closing: Promise<void> | undefined;

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.scheme = options.scheme;
    this.#logger = (options.logger ?? silentLogger).child({ namespace: this.namespace });
    const maxDurationMs = options.processTimeoutMs ?? DEFAULT_PROCESS_TIMEOUT_MS;
    const observer = options.observer;
    this.processes = new ProcessGroup({ ...(maxDurationMs > 0 ? { maxDurationMs } : {}), observer });
    this.table = new SymbolTable({
      namespace: this.namespace,
      logger: this.#logger,
      drained: () => this.processes.checkpoint(),
      retireTimeoutMs: options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
      whyMissing: (location) => this.loader.failureReason(location),
      spawn: () => this.processes.spawn(),
      initTimeoutMs: options.initTimeoutMs,
      observer,
    });
    const context = createCodecContext({
      namespace: this.namespace,
      scheme: options.scheme,
      languages: options.languages ?? new LanguageRegistry(),
      processes: this.processes,
      logger: this.#logger,
      syscalls: options.syscalls,
      network: options.network,
      leases: options.store,
      specChanges: this.specChanges,
      health: options.health,
      tokens: options.tokens ?? (isValueStore(options.store) ? new TokenVerifier({ registry: new TokenRegistry(options.store) }) : undefined),
      node: (name) => {
        const symbol = this.table.byName(name);
        return symbol?.state === 'active' ? symbol.node : undefined;
      },
    });
    if (options.backlogLimit !== undefined) this.processes.backlogLimit = options.backlogLimit;
    this.loader = new Loader({
      namespace: this.namespace,
      store: options.store,
      scheme: options.scheme,
      table: this.table,
      context,
      logger: this.#logger,
      onEvent: observer === undefined ? options.onEvent : (event) => {
        observer.loaderEvent(event);
        options.onEvent?.(event);
      },
      onChanges: (changes) => this.specChanges.publish(changes),
      keyring: options.keyring,
      env: options.env,
    });
  }

  get state(): RuntimeState {
    return this.#state;
  }

  /**
   * True while the runtime is running and not shutting down: what a readiness probe reports.
   * It turns false synchronously when `close` is called, before sources stop admitting work.
   */
  get ready(): boolean {
    return this.#state === 'running';
  }

  /** True while the namespace is paused (see `pause`). */
  get paused(): boolean {
    return this.processes.paused;
  }

  /**
   * Pauses the namespace: listeners hold new requests in the backlog (bounded by `backlogLimit`;
   * past it, 503 ERR_BACKLOG_FULL), consumers stop pulling, schedules skip their ticks, signals
   * and WebSocket frames wait. Work in flight goes on. False when already paused or closing.
   */
  pause(): boolean {
    const changed = this.processes.pause();
    if (changed) this.#logger.info({ backlogLimit: this.processes.backlogLimit }, 'namespace paused');
    return changed;
  }

  /** Resumes the namespace: the backlog is admitted in arrival order. False when it was not paused. */
  resume(): boolean {
    const backlog = this.processes.backlogSize;
    const changed = this.processes.resume();
    if (changed) this.#logger.info({ backlog }, 'namespace resumed');
    return changed;
  }

  /** Calls `listener` with true on each pause and false on each resume (the event stream's namespace:paused/resumed); returns how to stop. */
  onPauseChange(listener: (paused: boolean) => void): () => void {
    return this.processes.onPauseChange(listener);
  }

  /** Subscribes to the store, loads the namespace and activates what is complete. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new WeftError('ERR_INTERNAL', { reason: `runtime cannot start when ${this.#state}` });
    this.#state = 'starting';
    try {
      await this.loader.start();
    } catch (thrown) {
      await this.close();
      throw thrown;
    }
    if (this.#state === 'starting') this.#state = 'running';
    this.#logger.info({ nodes: this.table.size, active: this.status().filter((node) => node.state === 'active').length }, 'runtime started');
  }

  /** Graceful shutdown (idempotent): stop admitting, drain, unload, close the store. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Every node of the namespace with its state, and the specs that fail to load. */
  status(): NodeStatus[] {
    const nodes: NodeStatus[] = this.table.symbols.map((symbol) => ({
      id: symbol.id,
      name: symbol.name,
      kind: symbol.spec.kind,
      state: symbol.state,
      problems: symbol.problems,
      error: symbol.error,
    }));
    for (const [id, failure] of this.loader.failures) {
      const entry: NodeStatus = { id, name: failure.spec.name, kind: failure.spec.kind, state: 'failed', problems: [], error: failure.error };
      const index = nodes.findIndex((node) => node.id === id);
      if (index >= 0) nodes[index] = { ...nodes[index]!, pendingError: failure.error };
      else nodes.push(entry);
    }
    return nodes;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    this.#state = 'closing';
    await this.loader.close();
    const timeoutMs = this.#options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    const drained = await this.processes.drain(timeoutMs);
    if (!drained) {
      const error = new WeftError('ERR_DRAIN_TIMEOUT', { count: this.processes.size, ms: timeoutMs });
      this.#logger.warn({ err: error }, 'closing with work still in flight');
      // Abandoned work is ended, so its waits and timers stop and its hooks release what it holds.
      await this.processes.exitAll(error, EXIT_ALL_TIMEOUT_MS);
    }
    this.processes.stop();
    await this.table.close();
    if (this.#options.closeStore ?? true) await this.#options.store.close();
    this.#state = 'closed';
    this.#logger.info('runtime closed');
  }
}

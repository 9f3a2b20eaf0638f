import { toWeftError } from '../errors/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import type { CodecContext, Scheme } from '../scheme/index.ts';
import type { Node } from '../node/index.ts';
import type { StoredSpec } from '../spec/index.ts';
import type { ChangeEvent, ChangeStream, SpecStore } from '../store/index.ts';
import type { SymbolTable } from '../symbol/index.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { downstreamFirst } from './downstream-first.ts';
import type { LoaderEvent } from './loader-event.ts';
import { sameSpec } from './same-spec.ts';

/** Options of a Loader: where specs come from, how they compile, and where nodes go. */
export interface LoaderOptions {
  readonly namespace: string;
  readonly store: SpecStore;
  readonly scheme: Scheme;
  readonly table: SymbolTable;
  readonly context: CodecContext;
  readonly logger?: Logger;
  readonly retry?: BackoffOptions;
  readonly onEvent?: (event: LoaderEvent) => void;
}

/** A spec to unload: its id, and its name for the logs. */
interface Removal {
  readonly id: string;
  readonly name?: string;
}

/** A spec that failed to compile or activate, waiting for its next try. */
export interface LoadFailure {
  readonly spec: StoredSpec;
  readonly error: Error;
  readonly attempt: number;
}

/**
 * Keeps a namespace's symbol table in step with the store. It subscribes to the change feed
 * before the initial load (no change is lost), then applies each change in order. An update
 * compiles first: on failure the old node keeps running, the failure is logged and reported,
 * and the spec is retried with backoff until it loads or changes.
 */
export class Loader {
  readonly #options: LoaderOptions;
  readonly #logger: Logger;
  readonly #failures = new Map<string, LoadFailure & { timer: NodeJS.Timeout }>();
  #stream: ChangeStream | undefined;
  #consuming: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #activationRetry: { timer: NodeJS.Timeout; attempt: number } | undefined;
  #activationAttempt = 0;
  #closed = false;

  constructor(options: LoaderOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Specs that currently fail, by id. */
  get failures(): ReadonlyMap<string, LoadFailure> {
    return this.#failures;
  }

  /** Subscribes, loads the namespace, and keeps applying changes until `close`. */
  async start(): Promise<void> {
    const { store, namespace } = this.#options;
    this.#stream = store.watch({ namespace });
    await this.#stream.ready;
    await this.#serial(() => this.#sync());
    this.#consuming = this.#consume(this.#stream);
  }

  /** Stops reacting to changes and cancels retries; the table is left as it is. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const failure of this.#failures.values()) clearTimeout(failure.timer);
    this.#failures.clear();
    if (this.#activationRetry) clearTimeout(this.#activationRetry.timer);
    await this.#stream?.close();
    await this.#consuming;
    await this.#queue;
  }

  async #consume(stream: ChangeStream): Promise<void> {
    try {
      for await (const event of stream) {
        if (this.#closed) break;
        // The events delivered with this one (the rest of its commit) apply as one unit.
        const batch = [event, ...(stream.takeBuffered?.() ?? [])];
        await this.#serial(() => this.#apply(batch));
      }
    } catch (thrown) {
      if (this.#closed) return;
      this.#logger.error({ err: toWeftError(thrown) }, 'change feed failed; subscribing again');
      void this.#resubscribe(1);
    }
  }

  /**
   * After the feed ended with an error: waits (backoff), watches again, reloads the whole
   * namespace (changes made meanwhile were not seen) and goes on consuming. The loaded nodes
   * keep serving throughout.
   */
  async #resubscribe(attempt: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.#options.retry)).unref());
    if (this.#closed) return;
    const stream = this.#options.store.watch({ namespace: this.#options.namespace });
    this.#stream = stream;
    try {
      await stream.ready;
      await this.#serial(() => this.#sync());
    } catch (thrown) {
      await stream.close().catch(() => undefined);
      if (this.#closed) return;
      this.#logger.warn({ err: toWeftError(thrown), attempt }, 'change feed is still unavailable');
      void this.#resubscribe(attempt + 1);
      return;
    }
    this.#logger.info({ attempt }, 'change feed subscribed again; namespace reloaded');
    this.#consuming = this.#consume(stream);
  }

  /**
   * Applies a batch of changes as one state change: the last event of each spec wins, new and
   * changed specs compile first (the running nodes keep serving meanwhile), load downstream-first
   * so a replaced node finds its new targets loaded, and removals come last, upstream-first. A
   * change that spans several specs (a router and the snippet a new route needs) therefore never
   * shows half of itself: nothing upstream goes inactive in between.
   */
  async #apply(events: readonly ChangeEvent[]): Promise<void> {
    if (events.some((event) => event.op === 'reset')) return this.#sync();
    const latest = new Map<string, ChangeEvent>();
    for (const event of events) {
      latest.delete(event.id);
      latest.set(event.id, event);
    }
    const upserts: StoredSpec[] = [];
    const removals: Removal[] = [];
    for (const event of latest.values()) {
      const spec = event.op === 'delete' ? undefined : event.spec ?? (await this.#options.store.find({ id: event.id, namespace: this.#options.namespace }))[0];
      if (spec === undefined) removals.push({ id: event.id, name: event.spec?.name });
      else upserts.push(spec);
    }
    await this.#applyState(upserts, removals);
  }

  /** Loads every spec of the namespace and removes symbols whose spec is gone, as one state change. */
  async #sync(): Promise<void> {
    const specs = await this.#options.store.find({ namespace: this.#options.namespace });
    const ids = new Set(specs.map((spec) => spec.id));
    const removals = this.#options.table.symbols.filter((symbol) => !ids.has(symbol.id)).map((symbol) => ({ id: symbol.id, name: symbol.name }));
    await this.#applyState(specs, removals);
    this.#emit({ type: 'synced', count: specs.length });
  }

  async #applyState(upserts: readonly StoredSpec[], removals: readonly Removal[]): Promise<void> {
    const compiled: [StoredSpec, Node][] = [];
    for (const spec of downstreamFirst(upserts)) {
      const node = await this.#compile(spec);
      if (node !== undefined) compiled.push([spec, node]);
    }
    for (const [spec, node] of compiled) await this.#insert(spec, node);
    const removed = this.#options.table.symbols.filter((symbol) => removals.some((removal) => removal.id === symbol.id));
    const upstreamFirst = downstreamFirst(removed.map((symbol) => symbol.spec as StoredSpec)).reverse();
    for (const spec of upstreamFirst) await this.#remove(spec.id, spec.name);
    // Removals of specs the table never held still clear their pending failures.
    for (const removal of removals) this.#clearFailure(removal.id);
  }

  async #load(spec: StoredSpec): Promise<void> {
    const node = await this.#compile(spec);
    if (node !== undefined) await this.#insert(spec, node);
  }

  /** Compiles a spec unless the table already runs it; a failure is recorded (and retried) and gives undefined. */
  async #compile(spec: StoredSpec): Promise<Node | undefined> {
    const current = this.#options.table.get(spec.id);
    if (current !== undefined && sameSpec(current.spec, spec) && current.state !== 'failed') {
      this.#clearFailure(spec.id);
      return undefined;
    }
    try {
      return await this.#options.scheme.compile(spec, this.#options.context);
    } catch (thrown) {
      this.#fail(spec, toWeftError(thrown));
      return undefined;
    }
  }

  async #insert(spec: StoredSpec, node: Node): Promise<void> {
    try {
      const symbol = await this.#options.table.insert(spec, node);
      this.#clearFailure(spec.id);
      this.#emit({ type: 'loaded', id: spec.id, name: spec.name, revision: spec.revision, state: symbol.state });
      this.#logger.info({ node: spec.name ?? spec.id, kind: spec.kind, revision: spec.revision, state: symbol.state }, 'node loaded');
      this.#watchActivation();
    } catch (thrown) {
      this.#fail(spec, toWeftError(thrown));
    }
  }

  async #remove(id: string, name?: string): Promise<void> {
    this.#clearFailure(id);
    if (await this.#options.table.remove(id)) {
      this.#emit({ type: 'removed', id, name });
      this.#logger.info({ node: name ?? id }, 'node removed');
    }
  }

  #fail(spec: StoredSpec, error: Error): void {
    const attempt = (this.#failures.get(spec.id)?.attempt ?? 0) + 1;
    this.#clearFailure(spec.id);
    const retryInMs = backoffDelay(attempt, this.#options.retry);
    const timer = setTimeout(() => void this.#serial(() => this.#retry(spec.id)), retryInMs);
    timer.unref();
    this.#failures.set(spec.id, { spec, error, attempt, timer });
    const kept = this.#options.table.get(spec.id) !== undefined;
    this.#logger.error({ node: spec.name ?? spec.id, kind: spec.kind, err: error, attempt, retryInMs, keptPrevious: kept }, 'node failed to load');
    this.#emit({ type: 'failed', id: spec.id, name: spec.name, error, attempt, retryInMs });
  }

  async #retry(id: string): Promise<void> {
    const failure = this.#failures.get(id);
    if (failure === undefined || this.#closed) return;
    const [spec] = await this.#options.store.find({ id, namespace: this.#options.namespace });
    if (spec === undefined) return this.#remove(id);
    await this.#load(spec);
  }

  /** Retries activation (with backoff) while some symbol failed to activate, e.g. a busy port. */
  #watchActivation(): void {
    const failed = this.#options.table.symbols.some((symbol) => symbol.state === 'failed');
    if (!failed) {
      this.#activationAttempt = 0;
      return;
    }
    if (this.#activationRetry !== undefined || this.#closed) return;
    const delay = backoffDelay(++this.#activationAttempt, this.#options.retry);
    const timer = setTimeout(() => {
      this.#activationRetry = undefined;
      void this.#serial(async () => {
        await this.#options.table.retryFailed();
        this.#watchActivation();
      });
    }, delay);
    timer.unref();
    this.#activationRetry = { timer, attempt: this.#activationAttempt };
  }

  #clearFailure(id: string): void {
    const failure = this.#failures.get(id);
    if (failure === undefined) return;
    clearTimeout(failure.timer);
    this.#failures.delete(id);
  }

  #emit(event: LoaderEvent): void {
    this.#options.onEvent?.(event);
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch((thrown: unknown) => this.#logger.error({ err: toWeftError(thrown) }, 'loader step failed'));
    return result;
  }
}

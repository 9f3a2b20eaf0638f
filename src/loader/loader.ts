import { toWeftError } from '../errors/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import type { CodecContext, Scheme, SpecChange } from '../scheme/index.ts';
import type { Node } from '../node/index.ts';
import type { PortLocation, StoredSpec } from '../spec/index.ts';
import { isValueStore, secretKeyring, ValueVault, type ChangeEvent, type ChangeStream, type SecretKeyring, type SpecStore, type ValueData } from '../store/index.ts';
import { resolveTemplates, valueReferences } from './spec-templates.ts';
import { Slicer, type IdentifiedSpec, type SymbolTable } from '../symbol/index.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { LoaderEvent } from './loader-event.ts';
import { codeOf, loggedError, retryPolicy } from './failure-policy.ts';
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
  /** Receives the changes of each write from the feed once they are loaded (not the initial load, not a reload after an outage). */
  readonly onChanges?: (changes: readonly SpecChange[]) => void;
  /** The master keys that open the secrets `{{ values.NAME }}` templates use (default none: a spec using a secret fails with ERR_SECRET_KEY_MISSING). */
  readonly keyring?: SecretKeyring;
  /** What `{{ env.NAME }}` templates read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A write's events as spec changes, in order; a delete without its old spec and a `reset` are left out. */
function changesOf(events: readonly ChangeEvent[], read: ReadonlyMap<string, StoredSpec>): SpecChange[] {
  const changes: SpecChange[] = [];
  for (const event of events) {
    if (event.op === 'reset' || event.op === 'value') continue;
    const spec = event.spec ?? (event.op === 'delete' ? undefined : read.get(event.id));
    if (spec !== undefined) changes.push({ op: event.op, spec });
  }
  return changes;
}

/** The texts of a secret that must not appear in an error: its strings (and its JSON when it is not one), at least 4 characters long. */
function secretTexts(data: ValueData): string[] {
  const texts = typeof data === 'string' ? [data] : [JSON.stringify(data), ...(JSON.stringify(data).match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((quoted) => JSON.parse(quoted) as string)];
  return texts.filter((text) => text.length >= 4);
}

/** The error with every secret text in its message (and its causes') replaced by `<secret>`: a compile error may quote the field it refused. */
function redactSecrets(error: Error, secrets: readonly string[]): Error {
  if (secrets.length === 0) return error;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    for (const secret of secrets) if (current.message.includes(secret)) current.message = current.message.replaceAll(secret, '<secret>');
  }
  return error;
}

/** Batches up to this size log a line per node; larger ones (a cold start) log one line. */
const VERBOSE_BATCH = 20;

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
  /** Whether a retry is scheduled; false once the loader waits for the spec to change. */
  readonly retrying: boolean;
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
  readonly #failures = new Map<string, LoadFailure & { timer: NodeJS.Timeout | undefined }>();
  /** Which values each loaded or failing spec references, by spec id: a value change reloads exactly those. */
  readonly #references = new Map<string, ReadonlySet<string>>();
  readonly #vault: ValueVault | undefined;
  #stream: ChangeStream | undefined;
  #consuming: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #activationRetry: { timer: NodeJS.Timeout; attempt: number } | undefined;
  #activationAttempt = 0;
  #closed = false;

  constructor(options: LoaderOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#vault = isValueStore(options.store) ? new ValueVault({ store: options.store, keyring: options.keyring ?? secretKeyring(undefined) }) : undefined;
  }

  /** Specs that currently fail, by id. */
  get failures(): ReadonlyMap<string, LoadFailure> {
    return this.#failures;
  }

  /** Why the spec a link names is not loaded, when it failed to (the reason ERR_NODE_UNAVAILABLE gives). */
  failureReason(location: PortLocation): string | undefined {
    for (const failure of this.#failures.values()) {
      const named = location.name !== undefined ? failure.spec.name === location.name : failure.spec.id === location.id;
      if (named) return `it failed to load: ${loggedError(failure.error).message as string}`;
    }
    return undefined;
  }

  /** Subscribes, loads the namespace, and keeps applying changes until `close`. */
  async start(): Promise<void> {
    const { store, namespace } = this.#options;
    this.#stream = store.watch({ namespace }, { values: true });
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
    const stream = this.#options.store.watch({ namespace: this.#options.namespace }, { values: true });
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
   * changed specs compile first (the running nodes keep serving meanwhile), the table activates
   * them downstream-first so a replaced node finds its new targets loaded, and swaps links once. A change
   * that spans several specs (a router and the snippet a new route needs) therefore never shows
   * half of itself.
   */
  async #apply(events: readonly ChangeEvent[]): Promise<void> {
    if (events.some((event) => event.op === 'reset')) return this.#sync();
    // A value change reloads the specs that reference the value, in the same batch.
    const changedValues = new Set(events.flatMap((event) => (event.op === 'value' && event.value !== undefined ? [event.value.name] : [])));
    const forced = new Set<string>();
    for (const [id, names] of this.#references) if ([...names].some((name) => changedValues.has(name))) forced.add(id);
    const latest = new Map<string, ChangeEvent>();
    for (const id of forced) latest.set(id, { op: 'update', id, namespace: this.#options.namespace, token: '' });
    for (const event of events) {
      if (event.op === 'value') continue;
      latest.delete(event.id);
      latest.set(event.id, event);
    }
    // Events that came without their spec are read back in one query.
    const unread = [...latest.values()].filter((event) => event.op !== 'delete' && event.spec === undefined).map((event) => event.id);
    const read = new Map<string, StoredSpec>();
    if (unread.length > 0) {
      for (const spec of await this.#options.store.find({ id: unread, namespace: this.#options.namespace })) read.set(spec.id, spec);
    }
    const upserts: StoredSpec[] = [];
    const removals: Removal[] = [];
    for (const event of latest.values()) {
      const spec = event.op === 'delete' ? undefined : event.spec ?? read.get(event.id);
      if (spec === undefined) removals.push({ id: event.id, name: event.spec?.name });
      else upserts.push(spec);
    }
    await this.#applyState(upserts, removals, forced);
    if (this.#options.onChanges !== undefined) this.#options.onChanges(changesOf(events, read));
  }

  /** Loads every spec of the namespace and removes symbols whose spec is gone, as one state change. */
  async #sync(): Promise<void> {
    const specs = await this.#options.store.find({ namespace: this.#options.namespace });
    const ids = new Set(specs.map((spec) => spec.id));
    const removals = this.#options.table.symbols.filter((symbol) => !ids.has(symbol.id)).map((symbol) => ({ id: symbol.id, name: symbol.name }));
    // Values may have changed while the feed was lost: the specs that use some compile again.
    await this.#applyState(specs, removals, new Set(this.#references.keys()));
    this.#emit({ type: 'synced', count: specs.length });
  }

  /**
   * Compiles the upserts (in slices that yield to the event loop: the running nodes keep serving
   * meanwhile), then hands them and the removals to the table as one change, which activates
   * them downstream-first.
   */
  async #applyState(upserts: readonly StoredSpec[], removals: readonly Removal[], forced: ReadonlySet<string> = new Set()): Promise<void> {
    const slicer = new Slicer();
    const compiled: { spec: IdentifiedSpec; node: Node }[] = [];
    for (const removal of removals) this.#references.delete(removal.id);
    for (const spec of upserts) {
      const node = await this.#compile(spec, forced.has(spec.id));
      if (node !== undefined) compiled.push({ spec: spec as IdentifiedSpec, node });
      await slicer.pause();
    }
    const held = removals.filter((removal) => this.#options.table.get(removal.id) !== undefined);
    if (compiled.length > 0 || held.length > 0) {
      const result = await this.#options.table.apply({ upserts: compiled, removals: held.map((removal) => removal.id) });
      const verbose = result.loaded.length + result.removed.length <= VERBOSE_BATCH;
      for (const symbol of result.loaded) {
        const spec = symbol.spec as StoredSpec;
        this.#clearFailure(spec.id);
        this.#emit({ type: 'loaded', id: spec.id, name: spec.name, revision: spec.revision, state: symbol.state });
        if (verbose) this.#logger.info({ node: spec.name ?? spec.id, kind: spec.kind, revision: spec.revision, state: symbol.state }, 'node loaded');
      }
      for (const { spec, error } of result.refused) this.#fail(spec as StoredSpec, error);
      for (const symbol of result.removed) {
        this.#emit({ type: 'removed', id: symbol.id, name: symbol.name });
        if (verbose) this.#logger.info({ node: symbol.name ?? symbol.id }, 'node removed');
      }
      if (!verbose) this.#logger.info({ loaded: result.loaded.length, removed: result.removed.length, refused: result.refused.length }, 'nodes loaded');
      this.#watchActivation();
    }
    // Removals of specs the table never held still clear their pending failures.
    for (const removal of removals) this.#clearFailure(removal.id);
  }

  /** Compiles a spec unless the table already runs it; a failure is recorded (maybe retried) and gives undefined. */
  async #compile(spec: StoredSpec, force = false): Promise<Node | undefined> {
    const current = this.#options.table.get(spec.id);
    if (!force && current !== undefined && sameSpec(current.spec, spec) && current.state !== 'failed') {
      this.#clearFailure(spec.id);
      return undefined;
    }
    const secrets: string[] = [];
    try {
      return await this.#options.scheme.compile(await this.#resolve(spec, secrets), this.#options.context);
    } catch (thrown) {
      this.#fail(spec, redactSecrets(toWeftError(thrown), secrets));
      return undefined;
    }
  }

  /**
   * The spec with its `{{ values.NAME }}` / `{{ env.NAME }}` templates resolved (secrets
   * decrypted), remembering which values it references. The stored spec keeps its templates: the
   * symbol table, `weft get` and the specChanges feed never see the resolved data.
   */
  async #resolve(spec: StoredSpec, secrets: string[]): Promise<StoredSpec> {
    const names = valueReferences(spec);
    if (names.size === 0) this.#references.delete(spec.id);
    else this.#references.set(spec.id, names);
    const values = new Map<string, ValueData>();
    if (names.size > 0 && this.#vault !== undefined) {
      const store = this.#options.store;
      if (isValueStore(store)) {
        for (const value of await store.findValues({ namespace: this.#options.namespace, name: [...names] })) {
          const data = this.#vault.open(value);
          values.set(value.name, data);
          if (value.secret) secrets.push(...secretTexts(data));
        }
      }
    }
    const resolved = resolveTemplates(spec, { values, env: this.#options.env ?? process.env });
    return resolved;
  }

  /**
   * Records a failure. Transient ones (see `retryPolicy`) are retried with backoff; the others
   * wait for the spec to change. Logged at error when it starts, when its code changes and when
   * retries stop, else at debug; the message is bounded (a failing 1 MB expression must not
   * fill the log).
   */
  #fail(spec: StoredSpec, error: Error): void {
    const previous = this.#failures.get(spec.id);
    const attempt = (previous?.attempt ?? 0) + 1;
    this.#clearFailure(spec.id);
    const retrying = retryPolicy(error, attempt);
    const retryInMs = retrying ? backoffDelay(attempt, this.#options.retry) : 0;
    const timer = retrying ? setTimeout(() => void this.#serial(() => this.#retry(spec.id)), retryInMs) : undefined;
    timer?.unref();
    this.#failures.set(spec.id, { spec, error, attempt, retrying, timer });
    const kept = this.#options.table.get(spec.id) !== undefined;
    const fields = { node: spec.name ?? spec.id, kind: spec.kind, err: loggedError(error), attempt, keptPrevious: kept, ...(retrying ? { retryInMs } : {}) };
    const message = retrying ? 'node failed to load' : 'node failed to load; waiting for its spec to change';
    if (previous === undefined || !retrying || codeOf(previous.error) !== codeOf(error)) this.#logger.error(fields, message);
    else this.#logger.debug(fields, message);
    this.#emit({ type: 'failed', id: spec.id, name: spec.name, error, attempt, retryInMs });
  }

  async #retry(id: string): Promise<void> {
    const failure = this.#failures.get(id);
    if (failure === undefined || this.#closed) return;
    const [spec] = await this.#options.store.find({ id, namespace: this.#options.namespace });
    await this.#applyState(spec === undefined ? [] : [spec], spec === undefined ? [{ id }] : []);
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

import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../errors/index.ts';
import type { LanguageLogger, Program } from '../language.ts';
import { errorView } from './error-view.ts';
import { FairQueue } from './fair-queue.ts';
import { SandboxCall } from './sandbox-call.ts';
import { SandboxWorker, type WorkerDeath } from './sandbox-worker.ts';
import type { SandboxHealth, SnippetSandbox, SnippetSource } from './snippet-sandbox.ts';
import { DEFAULT_SNIPPET_LIMITS, type SnippetLimits } from './snippet-limits.ts';

/** Options of the process sandbox. */
export interface ProcessSandboxOptions {
  /** Sandbox child processes; default min(2, available cores). */
  readonly processes?: number;
  /** How long a call may wait for a child before it fails with ERR_SANDBOX_BUSY; default 5000 ms. */
  readonly queueTimeoutMs?: number;
  /** The snippets' limits; `payloadMb` sizes the children's own heaps. */
  readonly limits?: Partial<SnippetLimits>;
  /** Where to report crashes and kills of programs compiled without a logger of their own. */
  readonly logger?: LanguageLogger;
}

/**
 * The child entry next to this file, with this file's own extension: `sandbox-child.ts` when
 * weft runs from its sources (Node strips the types), `sandbox-child.js` from the built dist/.
 */
const CHILD_ENTRY = join(dirname(fileURLToPath(import.meta.url)), `sandbox-child${extname(fileURLToPath(import.meta.url))}`);
/** How often waiting calls are checked against their deadline, and the watchdog runs. */
const TICK_MS = 50;
/** The watchdog's slack over the largest snippet timeout (each child's watcher kills its own runaway calls sooner). */
const WATCH_SLACK_MS = 3000;
/** A child holding calls that has not answered for this long is treated as busy (its watcher may be gone). */
const STALL_MS = 200;
/** Calls in flight on one child at most; the rest wait in the engine, where they can still go to any child. */
const WINDOW = 32;
/** Calls waiting in the engine at most; past that a call fails with ERR_SANDBOX_BUSY at once. */
const MAX_QUEUED = 10_000;
/** Back-off of replacements for children that die before they are ready (a broken install). */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 5000;
/** Children in a row that died before answering, past which the sandbox reports itself not ready. */
const FAILED_STARTS_UNREADY = 3;
const MiB = 1024 * 1024;

/**
 * The default sandbox: a small pool of supervised child processes (sandbox-child.ts), each
 * holding an isolate per snippet. A compile runs in one child first (top-level code that hangs
 * or crashes then costs one child, not all), then is sent to the others, so any child can run
 * any call. A call goes to the ready child with the fewest calls in flight, if that child has
 * room (WINDOW) and is not running a long call; otherwise it waits in a fair queue (round robin
 * over snippets) and fails with ERR_SANDBOX_BUSY after `queueTimeoutMs`. A snippet with a long
 * call running holds one child at most: its next calls wait rather than take another. Calls
 * sent to a child that then runs a long call are taken back and sent elsewhere (the child is
 * told to skip them; snippets have no side effects, so a rare second run is harmless). A child
 * that dies is replaced at once; the call or compile it is blamed for fails, the other calls are
 * sent again once. Children start with the first compile and stop when the last program closes.
 */
export class ProcessSandbox implements SnippetSandbox {
  readonly isolation = 'process';
  readonly #size: number;
  readonly #queueTimeoutMs: number;
  readonly #heapMb: number;
  readonly #logger: LanguageLogger | undefined;
  readonly #snippets = new Map<number, SnippetSource>();
  /** Snippets whose last answered call ran shorter than a watcher tick: their calls may spread over every child. */
  readonly #fast = new Set<number>();
  /** Snippets whose first compile has not answered yet: a replacement child does not replay them. */
  readonly #compiling = new Set<number>();
  readonly #queue = new FairQueue();
  #workers: SandboxWorker[] = [];
  readonly #closing = new Set<Promise<void>>();
  #nextSnippet = 0;
  #failedStarts = 0;
  #lastStartFailure: string | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #lastWatch = 0;
  #closed = false;

  constructor(options: ProcessSandboxOptions = {}) {
    const size = options.processes ?? Math.min(2, availableParallelism());
    if (!Number.isInteger(size) || size < 1) throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `processes ${size} is not a whole number of at least 1` });
    const queueTimeoutMs = options.queueTimeoutMs ?? 5000;
    if (!(queueTimeoutMs > 0)) throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `queueTimeoutMs ${queueTimeoutMs} is not more than 0` });
    this.#size = size;
    this.#queueTimeoutMs = queueTimeoutMs;
    const payloadMb = options.limits?.payloadMb ?? DEFAULT_SNIPPET_LIMITS.payloadMb;
    this.#heapMb = 256 + 8 * payloadMb;
    this.#logger = options.logger;
  }

  /**
   * Not ready while children keep dying before they answer (FAILED_STARTS_UNREADY starts in a
   * row: a broken install, no memory to spawn, an isolate that cannot be made); ready before
   * the first compile (no child is needed yet) and again once a child answers.
   */
  health(): SandboxHealth {
    if (this.#closed) return { ok: false, reason: 'closed' };
    if (this.#failedStarts >= FAILED_STARTS_UNREADY) return { ok: false, reason: `sandbox processes fail to start (${this.#failedStarts} in a row${this.#lastStartFailure === undefined ? '' : `: ${this.#lastStartFailure}`})` };
    const ready = this.#workers.filter((worker) => worker.state === 'ready').length;
    return this.#workers.length === 0 ? { ok: true, reason: 'no snippet compiled yet' } : { ok: true, reason: `${ready} of ${this.#workers.length} processes ready` };
  }

  get processIds(): readonly number[] {
    return this.#workers.flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid]));
  }

  /** Compiles in one child, then in the others; ERR_SNIPPET_COMPILE (or a sandbox error) rejects and leaves nothing behind. */
  async compile(source: SnippetSource): Promise<Program> {
    if (this.#closed) throw new WeftError('ERR_SANDBOX_CLOSED');
    const id = ++this.#nextSnippet;
    this.#snippets.set(id, source);
    if (this.#workers.length === 0) this.#start();
    this.#compiling.add(id);
    try {
      await this.#firstCompile(id, source);
    } catch (error) {
      this.#drop(id);
      throw error;
    } finally {
      this.#compiling.delete(id);
    }
    for (const worker of this.#workers) if (!worker.has(id)) worker.compile(id, source).catch(() => {}); // its failure is its calls' reply
    return new ProcessProgram(this, id);
  }

  /** Runs one call of snippet `id`, now on an eligible child or when one is free. */
  call(id: number, input: unknown): Promise<unknown> {
    const source = this.#snippets.get(id);
    if (source === undefined) return Promise.reject(new WeftError('ERR_SANDBOX_CLOSED'));
    const call = new SandboxCall(id, input, input instanceof Error ? errorView(input) : undefined, Date.now() + this.#queueTimeoutMs, source.limits.payloadMb * MiB);
    this.#dispatch(call);
    return call.promise;
  }

  /** Forgets snippet `id` in every child; stops the children when no snippet is left. */
  drop(id: number): void {
    this.#drop(id);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#snippets.clear();
    this.#stop();
    await Promise.all(this.#closing);
  }

  /** The compile in one child; a crash it is not blamed for is retried once in another. */
  async #firstCompile(id: number, source: SnippetSource): Promise<void> {
    try {
      await this.#leastBusy().compile(id, source);
    } catch (error) {
      if (!(error instanceof WeftError) || error.code !== 'ERR_SANDBOX_CRASHED' || !this.#snippets.has(id)) throw error;
      await this.#leastBusy().compile(id, source);
    }
  }

  #leastBusy(): SandboxWorker {
    let best = this.#workers[0]!;
    for (const worker of this.#workers) if (rank(worker) < rank(best)) best = worker;
    return best;
  }

  #dispatch(call: SandboxCall): void {
    if (this.#queue.size === 0) {
      const worker = this.#eligible(call.snippet);
      if (worker !== undefined) return worker.send(call);
    }
    if (this.#queue.size >= MAX_QUEUED) return call.reject(new WeftError('ERR_SANDBOX_BUSY', { ms: 0 }));
    this.#queue.push(call);
    // Calls already waiting may be of snippets that cannot go now; this one may.
    if (this.#queue.size > 1) this.#pump();
  }

  /** Sends waiting calls, in turn, while some child can take them. */
  #pump(): void {
    while (this.#queue.size > 0) {
      let worker: SandboxWorker | undefined;
      const call = this.#queue.next((snippet) => (worker = this.#eligible(snippet)) !== undefined);
      if (call === undefined || worker === undefined) return;
      if (call.deadline < Date.now()) call.reject(new WeftError('ERR_SANDBOX_BUSY', { ms: this.#queueTimeoutMs }));
      else worker.send(call);
    }
  }

  /**
   * The child a call of `snippet` should go to now: free (isFree) and not silent for STALL_MS,
   * the least loaded. A snippet not known to be fast (no call answered yet, or its last one ran
   * long) stays on the one child that has its calls in flight, so two first calls of a looping
   * snippet hold one child, not all; a snippet holding a child with a long call gets no other.
   */
  #eligible(snippet: number): SandboxWorker | undefined {
    let best: SandboxWorker | undefined;
    let now: number | undefined;
    const fast = this.#fast.has(snippet);
    for (const worker of this.#workers) {
      if (worker.longSnippet === snippet && this.#workers.length > 1) return undefined;
      if (!fast && worker.holds(snippet)) return isFree(worker) ? worker : undefined;
    }
    for (const worker of this.#workers) {
      if (!isFree(worker)) continue;
      if (worker.load > 0 && worker.stalledFor((now ??= performance.now())) > STALL_MS) continue;
      if (best === undefined || worker.load < best.load) best = worker;
    }
    return best;
  }

  #drop(id: number): void {
    if (!this.#snippets.delete(id)) return;
    this.#fast.delete(id);
    for (const worker of this.#workers) worker.drop(id);
    for (const call of this.#queue.take((waiting) => waiting.snippet === id)) call.reject(new WeftError('ERR_SANDBOX_CLOSED'));
    if (this.#snippets.size === 0) this.#stop();
  }

  #start(): void {
    this.#workers = Array.from({ length: this.#size }, () => this.#worker(0));
    this.#ticker = setInterval(() => this.#tick(), TICK_MS).unref();
  }

  /** Closes every child (in the background; `close` awaits them). */
  #stop(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    for (const call of this.#queue.take(() => true)) call.reject(new WeftError('ERR_SANDBOX_CLOSED'));
    for (const worker of this.#workers) {
      const closing = worker.close().finally(() => this.#closing.delete(closing));
      this.#closing.add(closing);
    }
    this.#workers = [];
  }

  /**
   * A new child with every compiled snippet queued for compiling first. A compile still in
   * flight is not replayed: it may be what killed the child this one replaces.
   */
  #worker(delayMs: number): SandboxWorker {
    const worker = new SandboxWorker(CHILD_ENTRY, {
      ready: () => {
        this.#failedStarts = 0;
        this.#pump();
      },
      progress: () => this.#pump(),
      answered: (call) => {
        if (call.long) this.#fast.delete(call.snippet);
        else this.#fast.add(call.snippet);
      },
      reclaimed: (_worker, calls) => this.#resend(calls),
      exited: (dead, death) => this.#replace(dead, death),
      source: (snippet) => this.#snippets.get(snippet),
    }, this.#heapMb, delayMs);
    for (const [id, source] of this.#snippets) {
      if (!this.#compiling.has(id)) worker.compile(id, source).catch(() => {}); // a failure is replayed to the calls
    }
    return worker;
  }

  #replace(dead: SandboxWorker, death: WorkerDeath): void {
    const index = this.#workers.indexOf(dead);
    if (index === -1) return;
    const neverReady = !dead.wasReady;
    this.#failedStarts = neverReady ? this.#failedStarts + 1 : 0;
    if (neverReady) this.#lastStartFailure = death.verdict.reason;
    const delay = neverReady ? Math.min(RESTART_BASE_MS * 2 ** (this.#failedStarts - 1), RESTART_MAX_MS) : 0;
    if (!neverReady) this.#report(death);
    this.#workers[index] = this.#worker(delay);
    for (const call of death.orphans) call.retried = true;
    this.#resend(death.orphans);
  }

  /** Puts calls back at the front of their snippets' queues, in order, and sends what can go. */
  #resend(calls: readonly SandboxCall[]): void {
    for (let index = calls.length - 1; index >= 0; index--) this.#queue.unshift(calls[index]!);
    this.#pump();
  }

  /** Logs a child's death, one line naming the node blamed and those in flight: warn when a snippet was blamed with evidence, error otherwise. */
  #report({ verdict, orphans, blamed, nodes }: WorkerDeath): void {
    const logger = blamed?.logger ?? this.#logger ?? [...this.#snippets.values()].find((source) => source.logger !== undefined)?.logger;
    const fields = { node: blamed?.label, nodes, reason: verdict.reason, resent: orphans.length };
    if (blamed !== undefined && verdict.why !== 'crash') logger?.warn(fields, `sandbox process lost to a snippet (${verdict.why}); replaced`);
    else logger?.error(fields, 'sandbox process crashed; replaced');
  }

  #tick(): void {
    const now = Date.now();
    for (const call of this.#queue.take((waiting) => waiting.deadline < now)) call.reject(new WeftError('ERR_SANDBOX_BUSY', { ms: this.#queueTimeoutMs }));
    const clock = performance.now();
    for (const worker of this.#workers) if (worker.busy || worker.stalledFor(clock) > STALL_MS) worker.expire(now);
    if (clock - this.#lastWatch >= 1000) {
      this.#lastWatch = clock;
      this.#watch(clock);
    }
  }

  /** Kills a child that holds work and has not answered for longer than any snippet may run (its watcher thread is gone too). */
  #watch(clock: number): void {
    let limit = 0;
    for (const source of this.#snippets.values()) limit = Math.max(limit, source.limits.timeoutMs);
    for (const worker of this.#workers) {
      const stalled = worker.stalledFor(clock);
      if (stalled > limit + WATCH_SLACK_MS) worker.kill(`stopped answering for ${Math.round(stalled)} ms`);
    }
  }
}

/** A child that may take a call now: ready, with room, not running a long call. */
function isFree(worker: SandboxWorker): boolean {
  return worker.state === 'ready' && !worker.busy && worker.load < WINDOW;
}

/** How suitable a child is for a compile: ready before starting, idle before busy. */
function rank(worker: SandboxWorker): number {
  return (worker.state === 'ready' ? 0 : 1_000_000) + (worker.busy ? 100_000 : 0) + worker.load;
}

/** A snippet compiled in the process sandbox. */
class ProcessProgram implements Program {
  readonly #sandbox: ProcessSandbox;
  readonly #id: number;

  constructor(sandbox: ProcessSandbox, id: number) {
    this.#sandbox = sandbox;
    this.#id = id;
  }

  run(input: unknown): Promise<unknown> {
    return this.#sandbox.call(this.#id, input);
  }

  close(): void {
    this.#sandbox.drop(this.#id);
  }
}

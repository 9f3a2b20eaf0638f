import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../errors/index.ts';
import type { Program } from '../language.ts';
import { errorView } from './error-view.ts';
import { SandboxWorker } from './sandbox-worker.ts';
import type { SnippetSandbox, SnippetSource } from './snippet-sandbox.ts';

/** Options of the process sandbox. */
export interface ProcessSandboxOptions {
  /** Sandbox child processes; default min(2, available cores). */
  readonly processes?: number;
}

/**
 * The child entry next to this file, with this file's own extension: `sandbox-child.ts` when
 * weft runs from its sources (Node strips the types), `sandbox-child.js` from the built dist/.
 */
const CHILD_ENTRY = join(dirname(fileURLToPath(import.meta.url)), `sandbox-child${extname(fileURLToPath(import.meta.url))}`);
/** How often the watchdog looks for a child that stopped answering, and the slack it allows. */
const WATCH_EVERY_MS = 1000;
const WATCH_SLACK_MS = 2000;
/** Back-off of replacements for children that die before they are ready (a broken install). */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 5000;

/**
 * The default sandbox: a small pool of supervised child processes (sandbox-child.ts), each
 * holding an isolate per snippet. Every snippet is compiled in every child, so any child can
 * run any call; a call goes to the ready child with the fewest calls in flight. Children start
 * with the first compile and stop when the last program closes. A child that dies (a snippet
 * that V8 cannot stop aborts it) fails only its own in-flight calls, is replaced at once, and
 * the live snippets are compiled in the replacement before any call reaches it (the pipe keeps
 * order). A watchdog kills a child that holds calls or compiles and has not answered for longer than the
 * largest snippet timeout plus slack. In-flight calls are not retried elsewhere: the crash may
 * have been theirs.
 */
export class ProcessSandbox implements SnippetSandbox {
  readonly isolation = 'process';
  readonly #size: number;
  readonly #snippets = new Map<number, SnippetSource>();
  /** Snippets whose compile has not answered yet: a replacement child does not replay them. */
  readonly #compiling = new Set<number>();
  #workers: SandboxWorker[] = [];
  readonly #closing = new Set<Promise<void>>();
  #nextSnippet = 0;
  #failedStarts = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ProcessSandboxOptions = {}) {
    const size = options.processes ?? Math.min(2, availableParallelism());
    if (!Number.isInteger(size) || size < 1) throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `processes ${size} is not a whole number of at least 1` });
    this.#size = size;
  }

  get processIds(): readonly number[] {
    return this.#workers.flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid]));
  }

  /** Compiles in every child; ERR_SNIPPET_COMPILE (or a sandbox error) rejects and leaves nothing behind. */
  async compile(source: SnippetSource): Promise<Program> {
    if (this.#closed) throw new WeftError('ERR_SANDBOX_CLOSED');
    const id = ++this.#nextSnippet;
    this.#snippets.set(id, source);
    if (this.#workers.length === 0) this.#start();
    this.#compiling.add(id);
    try {
      await Promise.all(this.#workers.map((worker) => worker.compile(id, source)));
    } catch (error) {
      this.#drop(id);
      throw error;
    } finally {
      this.#compiling.delete(id);
    }
    return new ProcessProgram(this, id);
  }

  /** Runs one call of snippet `id` on the least busy ready child. */
  call(id: number, input: unknown): Promise<unknown> {
    if (!this.#snippets.has(id)) return Promise.reject(new WeftError('ERR_SANDBOX_CLOSED'));
    return this.#pick().call(id, input, input instanceof Error ? errorView(input) : undefined);
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

  #pick(): SandboxWorker {
    let best: SandboxWorker | undefined;
    for (const worker of this.#workers) {
      if (best === undefined) best = worker;
      else if ((worker.state === 'ready') !== (best.state === 'ready')) best = worker.state === 'ready' ? worker : best;
      else if (worker.load < best.load) best = worker;
    }
    return best!;
  }

  #drop(id: number): void {
    if (!this.#snippets.delete(id)) return;
    for (const worker of this.#workers) worker.drop(id);
    if (this.#snippets.size === 0) this.#stop();
  }

  #start(): void {
    this.#workers = Array.from({ length: this.#size }, () => this.#worker(0));
    this.#watchdog = setInterval(() => this.#watch(), WATCH_EVERY_MS).unref();
  }

  /** Closes every child (in the background; `close` awaits them). */
  #stop(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    for (const worker of this.#workers) {
      const closing = worker.close().finally(() => this.#closing.delete(closing));
      this.#closing.add(closing);
    }
    this.#workers = [];
  }

  /**
   * A new child with every compiled snippet queued for compiling first. A compile still in
   * flight is not replayed: it was sent to the child that died too, so it fails anyway, and it
   * may be what killed that child (a top-level `Map` bomb would take the replacement down too).
   */
  #worker(delayMs: number): SandboxWorker {
    const worker = new SandboxWorker(CHILD_ENTRY, { ready: () => (this.#failedStarts = 0), exited: (dead) => this.#replace(dead) }, delayMs);
    for (const [id, source] of this.#snippets) {
      if (!this.#compiling.has(id)) worker.compile(id, source).catch(() => {}); // a failure is replayed to the calls
    }
    return worker;
  }

  #replace(dead: SandboxWorker): void {
    const index = this.#workers.indexOf(dead);
    if (index === -1) return;
    const neverReady = !dead.wasReady;
    this.#failedStarts = neverReady ? this.#failedStarts + 1 : 0;
    const delay = neverReady ? Math.min(RESTART_BASE_MS * 2 ** (this.#failedStarts - 1), RESTART_MAX_MS) : 0;
    this.#workers[index] = this.#worker(delay);
  }

  #watch(): void {
    let limit = 0;
    for (const source of this.#snippets.values()) limit = Math.max(limit, source.limits.timeoutMs);
    const now = performance.now();
    for (const worker of this.#workers) {
      const stalled = worker.stalledFor(now);
      if (stalled > limit + WATCH_SLACK_MS) worker.kill(`stopped answering for ${Math.round(stalled)} ms`);
    }
  }
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

import { WeftError } from '../errors/index.ts';
import { Process, type ProcessTracker } from './process.ts';
import type { ProcessObserver } from './process-observer.ts';
import { settledWithin } from './settled-within.ts';

/** Options of a ProcessGroup. */
export interface ProcessGroupOptions {
  /** How many sources' requests may wait while the group is paused (default 10 000). */
  readonly backlogLimit?: number;
  /**
   * The longest a root process may run; past it, it is ended with ERR_PROCESS_DEADLINE (its
   * signal aborts, its writes stop). Checked about every second, never per packet. Default: none.
   */
  readonly maxDurationMs?: number;
  /** Told of every root process started and ended (metrics, the event stream); default none. */
  readonly observer?: ProcessObserver;
}

/**
 * What `admit` answers: true to start work now, the coded error to refuse it with (the group
 * is closing, or paused with a full backlog), or a promise of either once the work has waited
 * in the backlog.
 */
export type Admission = true | WeftError | Promise<true | WeftError>;

/** The default bound of the backlog of a paused group. */
export const DEFAULT_BACKLOG_LIMIT = 10_000;

/** Options of one `spawn`. */
export interface SpawnOptions {
  /** Exempts the process from the group's maximum duration (a connection that lives for hours). */
  readonly unbounded?: boolean;
}

/** How often the deadline sweep runs at most. */
const SWEEP_MS = 1000;

/**
 * Counts the root processes a runtime's sources start, so the runtime can wait for in-flight
 * work: `drain()` waits for all of them; `checkpoint()` waits only for those started before
 * the call (how a replaced node is closed once the work that could reach it has finished).
 * Bookkeeping is per process, never per packet. With `maxDurationMs`, a sweep ends the processes
 * that run past it (oldest first: the set keeps start order, so a sweep stops at the first young one).
 */
export class ProcessGroup implements ProcessTracker {
  readonly #maxDurationMs: number;
  /** Start times of the processes under the deadline, in start order. */
  readonly #started = new Map<Process, number>();
  #paused = false;
  #backlogLimit: number;
  /** The waiting admissions, first in first out. */
  #backlog: ((admission: true | WeftError) => void)[] = [];
  #backpressureEvents = 0;
  #resumed: Promise<void> = Promise.resolve();
  #wakeResumed: () => void = () => {};
  readonly #pauseListeners = new Set<(paused: boolean) => void>();
  #sweeper: NodeJS.Timeout | undefined;
  #epoch = 0;
  #live = new Map<number, number>();
  #waiters: { epoch: number; wake: () => void }[] = [];
  readonly #running = new Set<Process>();
  #admitting = true;
  readonly #observer: ProcessObserver | undefined;

  constructor(options: ProcessGroupOptions = {}) {
    this.#backlogLimit = checkedBacklogLimit(options.backlogLimit ?? DEFAULT_BACKLOG_LIMIT);
    const max = options.maxDurationMs ?? Number.POSITIVE_INFINITY;
    if (!(max > 0)) throw new WeftError('ERR_INTERNAL', { reason: `maxDurationMs ${max} is not more than 0` });
    this.#maxDurationMs = max;
    this.#observer = options.observer;
  }

  /** The maximum duration of a root process, in ms (Infinity when there is none). */
  get maxDurationMs(): number {
    return this.#maxDurationMs;
  }

  /** The number of root processes still running. */
  get size(): number {
    let total = 0;
    for (const count of this.#live.values()) total += count;
    return total;
  }

  /** False once `close` was called: sources should refuse new work. */
  get admitting(): boolean {
    return this.#admitting;
  }

  /** True while paused: sources hold new work in the backlog (listeners) or stop taking it (consumers, schedules). */
  get paused(): boolean {
    return this.#paused;
  }

  /** How much work waits in the backlog. */
  get backlogSize(): number {
    return this.#backlog.length;
  }

  /** The most work that may wait while paused; settable live (a smaller bound refuses only new work). */
  get backlogLimit(): number {
    return this.#backlogLimit;
  }

  set backlogLimit(limit: number) {
    this.#backlogLimit = checkedBacklogLimit(limit);
  }

  /** How many times work was refused because the backlog was full (never reset; a counter for metrics). */
  get backpressureEvents(): number {
    return this.#backpressureEvents;
  }

  /**
   * Asks to start one unit of work. Not paused: `true` at once (no promise, nothing allocated:
   * the hot path). Paused: a promise that resolves `true` on `resume`, in the order the work
   * arrived, or ERR_BACKLOG_FULL at once (a backpressure event) when the backlog holds
   * `backlogLimit` already. Closing: ERR_SHUTTING_DOWN (also for what still waits).
   */
  admit(): Admission {
    if (!this.#paused) return this.#admitting ? true : new WeftError('ERR_SHUTTING_DOWN');
    if (!this.#admitting) return new WeftError('ERR_SHUTTING_DOWN');
    if (this.backlogSize >= this.#backlogLimit) {
      this.#backpressureEvents++;
      return new WeftError('ERR_BACKLOG_FULL', { limit: this.#backlogLimit });
    }
    return new Promise((resolve) => this.#backlog.push(resolve));
  }

  /** Resolves when the group is not paused (at once if it is not), or once it stops admitting. */
  whenResumed(): Promise<void> {
    return this.#resumed;
  }

  /** Pauses admission (idempotent); false when it was paused already or is closing. */
  pause(): boolean {
    if (this.#paused || !this.#admitting) return false;
    this.#paused = true;
    this.#resumed = new Promise((resolve) => (this.#wakeResumed = resolve));
    this.#notify(true);
    return true;
  }

  /** Resumes admission (idempotent): the backlog is admitted in arrival order; false when it was not paused. */
  resume(): boolean {
    if (!this.#paused) return false;
    this.#paused = false;
    this.#release(true);
    this.#wakeResumed();
    this.#notify(false);
    return true;
  }

  /** Calls `listener` on every pause (true) and resume (false); returns how to stop. A listener must not throw. */
  onPauseChange(listener: (paused: boolean) => void): () => void {
    this.#pauseListeners.add(listener);
    return () => this.#pauseListeners.delete(listener);
  }

  /** Starts a root process counted by this group until it exits (and ended at the maximum duration). */
  spawn(options?: SpawnOptions): Process {
    const process = new Process({ tracker: this });
    process.epoch = this.#epoch;
    this.#live.set(this.#epoch, (this.#live.get(this.#epoch) ?? 0) + 1);
    this.#running.add(process);
    if (this.#maxDurationMs !== Number.POSITIVE_INFINITY && options?.unbounded !== true) {
      this.#started.set(process, performance.now());
      this.#sweeper ??= setInterval(() => this.#sweep(), Math.min(SWEEP_MS, Math.max(10, this.#maxDurationMs / 4))).unref();
    }
    if (this.#observer !== undefined) {
      process.startedAt = performance.now();
      this.#observer.started(process);
    }
    return process;
  }

  /** Resolves once every process started before this call has exited. */
  checkpoint(): Promise<void> {
    const epoch = ++this.#epoch;
    if (!this.#hasLiveBefore(epoch)) return Promise.resolve();
    return new Promise((wake) => this.#waiters.push({ epoch, wake }));
  }

  /** Stops admitting and waits (at most `timeoutMs`) for every process; true if all ended. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.#admitting = false;
    this.#release(new WeftError('ERR_SHUTTING_DOWN'));
    this.#wakeResumed();
    return settledWithin(this.checkpoint().then(() => true), timeoutMs);
  }

  /**
   * Ends every process still running with `error` (after a drain deadline): their signals
   * abort, so timers and waits stop, and their exit hooks run (transactions roll back). Waits
   * at most `timeoutMs` for the hooks; true when every process finished exiting in time.
   */
  async exitAll(error: Error, timeoutMs: number): Promise<boolean> {
    return settledWithin(Promise.all([...this.#running].map((process) => process.exit(error))).then(() => true), timeoutMs);
  }

  /** Stops the deadline sweep (the group may still spawn; the sweep starts again then). */
  stop(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  released(process: Process): void {
    this.#observer?.ended(process, performance.now() - process.startedAt);
    this.#running.delete(process);
    this.#started.delete(process);
    const count = (this.#live.get(process.epoch) ?? 1) - 1;
    if (count > 0) {
      this.#live.set(process.epoch, count);
      return;
    }
    this.#live.delete(process.epoch);
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.#hasLiveBefore(waiter.epoch)) return true;
      waiter.wake();
      return false;
    });
  }

  /** Ends the processes past the maximum duration; stops the timer when none is left to watch. */
  #sweep(): void {
    const oldest = performance.now() - this.#maxDurationMs;
    for (const [process, started] of this.#started) {
      if (started > oldest) break;
      this.#started.delete(process);
      void process.exit(new WeftError('ERR_PROCESS_DEADLINE', { ms: this.#maxDurationMs }));
    }
    if (this.#started.size === 0) this.stop();
  }

  /** Answers everything in the backlog, first in first out. */
  #release(admission: true | WeftError): void {
    const waiting = this.#backlog;
    this.#backlog = [];
    for (const wake of waiting) wake(admission);
  }

  #notify(paused: boolean): void {
    for (const listener of this.#pauseListeners) listener(paused);
  }

  #hasLiveBefore(epoch: number): boolean {
    for (const key of this.#live.keys()) if (key < epoch) return true;
    return false;
  }
}

function checkedBacklogLimit(limit: number): number {
  if (!(Number.isInteger(limit) && limit >= 0)) throw new WeftError('ERR_INTERNAL', { reason: `backlogLimit ${limit} is not a whole number of 0 or more` });
  return limit;
}

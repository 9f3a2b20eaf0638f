import { Process, type ProcessTracker } from './process.ts';
import { settledWithin } from './settled-within.ts';

/**
 * Counts the root processes a runtime's sources start, so the runtime can wait for in-flight
 * work: `drain()` waits for all of them; `checkpoint()` waits only for those started before
 * the call (how a replaced node is closed once the work that could reach it has finished).
 * Bookkeeping is per process, never per packet.
 */
export class ProcessGroup implements ProcessTracker {
  #epoch = 0;
  #live = new Map<number, number>();
  #waiters: { epoch: number; wake: () => void }[] = [];
  readonly #running = new Set<Process>();
  #admitting = true;

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

  /** Starts a root process counted by this group until it exits. */
  spawn(): Process {
    const process = new Process({ tracker: this });
    process.epoch = this.#epoch;
    this.#live.set(this.#epoch, (this.#live.get(this.#epoch) ?? 0) + 1);
    this.#running.add(process);
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

  released(process: Process): void {
    this.#running.delete(process);
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

  #hasLiveBefore(epoch: number): boolean {
    for (const key of this.#live.keys()) if (key < epoch) return true;
    return false;
  }
}

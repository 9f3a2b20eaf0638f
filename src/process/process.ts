import { v7 as uuidv7 } from 'uuid';
import { ProcessData } from './process-data.ts';

const RESOLVED: Promise<void> = Promise.resolve();

/** The lifecycle states of a process. */
export type ProcessState = 'running' | 'exited';

/** Runs when a process exits, with the error it exited with; hooks run last-registered first. */
export type ExitHook = (error: Error | undefined) => void | Promise<void>;

/** Receives root processes as they end, so a group can count what is still in flight. */
export interface ProcessTracker {
  released(process: Process): void;
}

/** Options of a Process; both are optional. */
export interface ProcessOptions {
  readonly parent?: Process;
  readonly tracker?: ProcessTracker;
}

/**
 * The execution context of one unit of work (one HTTP request, one message, one tick): an id,
 * a parent, copy-on-write data, an AbortSignal, exit hooks run in reverse order, and children.
 * Whoever starts a process ends it: after its reply and after its children (`finish`).
 * The id, data, signal and hook list are created on first use, so a process is cheap.
 */
export class Process {
  readonly parent: Process | undefined;
  readonly tracker: ProcessTracker | undefined;
  /** Set by a ProcessGroup: the checkpoint epoch the process was started in. */
  epoch = 0;
  /** Set by a ProcessGroup with an observer: when the process started (performance.now()). */
  startedAt = 0;
  #id: string | undefined;
  #data: ProcessData | undefined;
  #controller: AbortController | undefined;
  #hooks: ExitHook[] | undefined;
  /** The running children; each knows its index here (`#slot`), so removal is a swap, not a hash lookup. */
  #children: Process[] | undefined;
  #slot = -1;
  #childWaiters: (() => void)[] | undefined;
  #state: ProcessState = 'running';
  #error: Error | undefined;
  #exiting: Promise<void> | undefined;

  constructor(options: ProcessOptions = {}) {
    this.parent = options.parent;
    this.tracker = options.tracker;
  }

  /** A UUIDv7, made on first read. */
  get id(): string {
    return (this.#id ??= uuidv7());
  }

  get state(): ProcessState {
    return this.#state;
  }

  /** The error the process exited with, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  get data(): ProcessData {
    return (this.#data ??= new ProcessData(this.parent?.data));
  }

  /** Aborted when the process exits. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#state === 'exited' && !this.#controller.signal.aborted) this.#controller.abort(this.#error);
    return this.#controller.signal;
  }

  /**
   * Starts a child process: its data reads through to ours; our exit ends it too. The child of
   * a process that has already exited is born exited (its signal aborted), so late work sees
   * at once that nobody waits for it.
   */
  fork(): Process {
    const child = new Process({ parent: this });
    if (this.#state === 'exited') {
      void child.exit(this.#error);
      return child;
    }
    const children = (this.#children ??= []);
    child.#slot = children.length;
    children.push(child);
    return child;
  }

  /** Registers a hook to run at exit; on an exited process it runs at once. */
  onExit(hook: ExitHook): void {
    if (this.#state === 'exited') {
      void Promise.resolve().then(() => hook(this.#error));
      return;
    }
    (this.#hooks ??= []).push(hook);
  }

  /** Resolves when every child has exited. */
  join(): Promise<void> {
    if (this.#children === undefined || this.#children.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#childWaiters ??= []).push(resolve));
  }

  /** Waits for the children, then exits: the normal way to end a process after its reply. */
  finish(error?: Error): Promise<void> {
    if (this.#children === undefined || this.#children.length === 0) return this.exit(error);
    return this.join().then(() => this.exit(error));
  }

  /**
   * Ends the process (idempotent): marks it exited, exits the children with the same error,
   * runs the exit hooks in reverse order (a failing hook does not stop the others), aborts the
   * signal and drops the data.
   */
  exit(error?: Error): Promise<void> {
    if (this.#exiting !== undefined) return this.#exiting;
    this.#state = 'exited';
    this.#error = error;
    const idle = (this.#children === undefined || this.#children.length === 0) && this.#hooks === undefined;
    // Set before anything runs, so a hook that calls exit() again gets this exit, not a second one.
    this.#exiting = RESOLVED;
    // Nothing to wait for (the common case of a request): release synchronously, no promise chain.
    if (idle) this.#release(error);
    else this.#exiting = this.#runExit(error);
    return this.#exiting;
  }

  async #runExit(error: Error | undefined): Promise<void> {
    if (this.#children !== undefined) await Promise.all([...this.#children].map((child) => child.exit(error)));
    const hooks = this.#hooks;
    this.#hooks = undefined;
    if (hooks !== undefined) {
      for (let i = hooks.length - 1; i >= 0; i--) {
        try {
          await hooks[i]!(error);
        } catch {
          // A failing hook must not keep the others from releasing what they hold.
        }
      }
    }
    this.#release(error);
  }

  #release(error: Error | undefined): void {
    this.#controller?.abort(error);
    this.#data?.clear();
    if (this.parent !== undefined) this.parent.#childExited(this);
    this.tracker?.released(this);
  }

  #childExited(child: Process): void {
    const children = this.#children;
    const slot = child.#slot;
    if (children === undefined || children[slot] !== child) return;
    child.#slot = -1;
    const last = children.pop()!;
    if (last !== child) {
      children[slot] = last;
      last.#slot = slot;
    }
    if (children.length === 0 && this.#childWaiters !== undefined) {
      const waiters = this.#childWaiters;
      this.#childWaiters = undefined;
      for (const wake of waiters) wake();
    }
  }
}

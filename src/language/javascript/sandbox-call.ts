import type { WeftError } from '../../errors/index.ts';
import type { ErrorView } from './error-view.ts';

/**
 * One call on its way through the process sandbox: what to run, until when it may wait to
 * start (`deadline`, in Date.now() milliseconds, which the child checks too), and its promise.
 * Settling twice is a no-op, so a late answer of a child after the engine gave up on the call
 * (ERR_SANDBOX_BUSY) changes nothing. A call a crash did not cause may be sent once more.
 */
export class SandboxCall {
  readonly snippet: number;
  readonly input: unknown;
  /** The error view of an error payload (input is then the Error itself). */
  readonly view: ErrorView | undefined;
  readonly deadline: number;
  /** Largest argument, in characters of its JSON text. */
  readonly maxChars: number;
  readonly promise: Promise<unknown>;
  /** Sent again once already, after a crash it did not cause. */
  retried = false;
  /** Seen running for a watcher tick or more by its child. */
  long = false;
  #settled = false;
  #resolve!: (value: unknown) => void;
  #reject!: (error: WeftError) => void;

  constructor(snippet: number, input: unknown, view: ErrorView | undefined, deadline: number, maxChars: number) {
    this.snippet = snippet;
    this.input = input;
    this.view = view;
    this.deadline = deadline;
    this.maxChars = maxChars;
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  resolve(value: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(value);
  }

  reject(error: WeftError): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }
}

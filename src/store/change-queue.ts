import type { ChangeEvent, ChangeStream } from './spec-store.ts';

/** Options of a ChangeQueue. */
export interface ChangeQueueOptions {
  /** Resolves once the feed is subscribed; already resolved when omitted. */
  readonly ready?: Promise<void>;
  /** Called once when the queue closes, by its reader or by its store. */
  readonly onClose?: () => void;
  /** Called when a reader starts (true) or stops (false) waiting for the next event. */
  readonly onReading?: (reading: boolean) => void;
}

type Waiter = { resolve: (result: IteratorResult<ChangeEvent>) => void; reject: (error: unknown) => void };

const DONE: IteratorResult<ChangeEvent> = { done: true, value: undefined };

/**
 * The ChangeStream drivers hand out: a driver `push`es events, the reader iterates them in push
 * order. `close` (or leaving a `for await` loop) ends the iteration at once and drops what is
 * buffered; `fail` delivers the buffered events, then throws the error to the reader. The
 * buffer is unbounded: the feed of specs is small and changes rarely. `onReading` tells the
 * driver when a reader is waiting, so a polling driver keeps the process alive only then.
 */
export class ChangeQueue implements ChangeStream {
  readonly ready: Promise<void>;
  readonly #onClose: (() => void) | undefined;
  readonly #onReading: ((reading: boolean) => void) | undefined;
  #reading = false;
  #buffer: ChangeEvent[] = [];
  readonly #waiters: Waiter[] = [];
  #state: 'open' | 'closed' | 'failed' = 'open';
  #error: unknown;

  constructor(options: ChangeQueueOptions = {}) {
    this.ready = options.ready ?? Promise.resolve();
    this.#onClose = options.onClose;
    this.#onReading = options.onReading;
  }

  /** True once the queue no longer accepts events. */
  get closed(): boolean {
    return this.#state !== 'open';
  }

  /** Appends an event (ignored once closed). */
  push(event: ChangeEvent): void {
    if (this.#state !== 'open') return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve({ done: false, value: event });
    else this.#buffer.push(event);
    this.#updateReading();
  }

  /** Takes the buffered events (those pushed and not yet read), oldest first. */
  takeBuffered(): ChangeEvent[] {
    const taken = this.#buffer;
    this.#buffer = [];
    return taken;
  }

  /** Ends the feed with an error, thrown to the reader after the buffered events. */
  fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#error = error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    this.#updateReading();
    this.#onClose?.();
  }

  /** Ends the iteration and drops buffered events (idempotent). */
  async close(): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'closed';
      this.#onClose?.();
    }
    this.#buffer = [];
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
    this.#updateReading();
  }

  [Symbol.asyncIterator](): AsyncIterator<ChangeEvent> {
    return {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return DONE;
      },
    };
  }

  #next(): Promise<IteratorResult<ChangeEvent>> {
    const event = this.#buffer.shift();
    if (event !== undefined) return Promise.resolve({ done: false, value: event });
    if (this.#state === 'failed') return Promise.reject(this.#error);
    if (this.#state === 'closed') return Promise.resolve(DONE);
    const next = new Promise<IteratorResult<ChangeEvent>>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#updateReading();
    return next;
  }

  #updateReading(): void {
    const reading = this.#waiters.length > 0;
    if (reading === this.#reading) return;
    this.#reading = reading;
    this.#onReading?.(reading);
  }
}

/**
 * A counting semaphore: at most `limit` holders; `acquire` waits in FIFO order and gives up
 * (resolving false) when its signal aborts, so a call that times out while queued leaves.
 */
export class Slots {
  readonly #limit: number;
  #used = 0;
  readonly #waiting: { wake: () => void }[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Resolves true once a slot is held (release it), false when `signal` aborted first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#used < this.#limit) {
      this.#used++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const entry = {
        wake: () => {
          signal.removeEventListener('abort', onAbort);
          this.#used++;
          resolve(true);
        },
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  /** Gives a slot back; the longest waiter gets it. */
  release(): void {
    this.#used--;
    this.#waiting.shift()?.wake();
  }
}

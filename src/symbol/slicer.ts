/**
 * Cuts long synchronous work into slices: `pause()` yields to the event loop (setImmediate)
 * once `budgetMs` has passed since the last yield, and is a no-op otherwise. So loading 100 000
 * nodes lets requests through every few milliseconds without paying a yield per node.
 */
export class Slicer {
  readonly #budgetMs: number;
  #since = performance.now();

  constructor(budgetMs = 8) {
    this.#budgetMs = budgetMs;
  }

  /** Undefined while within budget; else a promise that resolves on the next turn of the event loop. */
  pause(): Promise<void> | undefined {
    if (performance.now() - this.#since < this.#budgetMs) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.#since = performance.now();
    });
  }
}

/** How long a pull waits for a message before it answers with none (the consumer then pulls again). */
const IDLE_MS = 1000;

/**
 * The messages a broker's client pushes (AMQP, MQTT, JetStream's iterator) until the consumer
 * pulls them: `push` adds one and wakes a waiting `take`; `take` waits at most a second for the
 * first, then takes up to `max`; once `stopped` it gives nothing, and once `failed` it throws
 * the failure when nothing is left to take. One shape for every push-based adapter.
 */
export class Arrivals<T> {
  readonly items: T[] = [];
  #failure: Error | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;

  get failure(): Error | undefined {
    return this.#failure;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  push(item: T): void {
    this.items.push(item);
    this.#wake?.();
  }

  /** Records the first failure (the connection closed…) and wakes a waiting take. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  /** Stops taking and hands back what was not taken (to be given back to the broker). */
  stop(): T[] {
    this.#stopped = true;
    this.#wake?.();
    return this.items.splice(0);
  }

  async take(max: number): Promise<T[]> {
    if (this.items.length === 0 && this.#failure === undefined && !this.#stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_MS);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    if (this.#stopped) return [];
    if (this.items.length === 0 && this.#failure !== undefined) throw this.#failure;
    return this.items.splice(0, max);
  }
}

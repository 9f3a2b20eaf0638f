import { randomUUID } from 'node:crypto';
import type { Broker, Delivery, OpenBroker, OutgoingMessage, QueueDepth, SubscribeOptions, Subscription } from './broker.ts';

interface Stored {
  readonly id: string;
  readonly message: OutgoingMessage;
  readonly attempt: number;
}

/** One in-process queue: messages ready to go, consumers waiting for some, retries on timers. */
class MemoryQueue {
  readonly ready: Stored[] = [];
  #head = 0;
  readonly waiters = new Set<() => void>();
  delayed = 0;

  get size(): number {
    return this.ready.length - this.#head;
  }

  push(stored: Stored): void {
    this.ready.push(stored);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  take(max: number): Stored[] {
    const end = Math.min(this.ready.length, this.#head + max);
    const taken = this.ready.slice(this.#head, end);
    this.#head = end;
    if (this.#head > 1024 && this.#head * 2 > this.ready.length) {
      this.ready.splice(0, this.#head);
      this.#head = 0;
    }
    return taken;
  }
}

/** How long an idle `receive` waits before it answers with nothing. */
const IDLE_MS = 1000;

/**
 * `memory://NAME`: queues inside the engine's own process, for tests and single-engine use.
 * At-least-once while the process lives (a nack comes back after its delay, on a timer);
 * everything is gone when it exits. One instance per runtime and name (see BrokerPool).
 */
export class MemoryBroker implements Broker {
  readonly #queues = new Map<string, MemoryQueue>();

  #queue(name: string): MemoryQueue {
    let queue = this.#queues.get(name);
    if (queue === undefined) this.#queues.set(name, (queue = new MemoryQueue()));
    return queue;
  }

  publish(queue: string, message: OutgoingMessage): Promise<string> {
    const id = randomUUID();
    this.#queue(queue).push({ id, message, attempt: 1 });
    return Promise.resolve(id);
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return Promise.resolve(new MemorySubscription(this.#queue(options.queue)));
  }

  depth(queue: string): Promise<QueueDepth> {
    const found = this.#queue(queue);
    return Promise.resolve({ pending: found.size + found.delayed });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class MemorySubscription implements Subscription {
  readonly #queue: MemoryQueue;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(queue: MemoryQueue) {
    this.#queue = queue;
  }

  async receive(max: number): Promise<Delivery[]> {
    if (this.#queue.size === 0 && !this.#stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, IDLE_MS);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
        this.#queue.waiters.add(done);
      });
      this.#queue.waiters.delete(this.#wake!);
      this.#wake = undefined;
    }
    if (this.#stopped) return [];
    return this.#queue.take(max).map((stored) => delivery(this.#queue, stored));
  }

  stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    return Promise.resolve();
  }
}

function delivery(queue: MemoryQueue, stored: Stored): Delivery {
  return {
    brokerId: stored.id,
    body: stored.message.body,
    headers: stored.message.headers,
    attempt: stored.attempt,
    ack: () => Promise.resolve(),
    nack: (delayMs, failed) => {
      const again = { ...stored, attempt: stored.attempt + (failed ? 1 : 0) };
      if (delayMs <= 0) {
        queue.push(again);
        return Promise.resolve();
      }
      queue.delayed++;
      setTimeout(() => {
        queue.delayed--;
        queue.push(again);
      }, delayMs).unref();
      return Promise.resolve();
    },
  };
}

/** Opens a fresh in-process broker (BrokerPool keeps one per runtime and URL). */
export const open: OpenBroker = () => Promise.resolve(new MemoryBroker());

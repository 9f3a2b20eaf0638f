import type { Broker } from './broker.ts';
import { openBroker, urlScheme } from './open-broker.ts';

interface Entry {
  opening: Promise<Broker> | undefined;
  refs: number;
}

/** A broker held by one node: `broker()` connects (again, after a failure); `release` once. */
export interface BrokerLease {
  readonly url: string;
  broker(): Promise<Broker>;
  release(): Promise<void>;
}

/**
 * The broker connections of one runtime, shared per URL by its queue nodes and closed when the
 * last node lets go. A failed connect is forgotten, so the next `broker()` tries again.
 * `memory://` brokers are kept for the runtime's life: they are the queue's storage.
 */
export class BrokerPool {
  readonly #entries = new Map<string, Entry>();

  acquire(url: string): BrokerLease {
    let entry = this.#entries.get(url);
    if (entry === undefined) this.#entries.set(url, (entry = { opening: undefined, refs: 0 }));
    entry.refs++;
    const held = entry;
    let released = false;
    return {
      url,
      broker: () => {
        held.opening ??= openBroker(url).catch((thrown: unknown) => {
          held.opening = undefined;
          throw thrown;
        });
        return held.opening;
      },
      release: async () => {
        if (released) return;
        released = true;
        if (--held.refs > 0 || urlScheme(url) === 'memory') return;
        if (this.#entries.get(url) === held) this.#entries.delete(url);
        const opening = held.opening;
        held.opening = undefined;
        const broker = await opening?.catch(() => undefined);
        await broker?.close().catch(() => undefined);
      },
    };
  }
}

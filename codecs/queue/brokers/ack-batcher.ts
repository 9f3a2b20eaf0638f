/**
 * Collects acknowledgements made in the same turn of the event loop and sends them as one
 * batch (one XACK for many ids), so acking costs a round trip per batch, not per message.
 * A failed batch rejects every ack in it.
 */
export class AckBatcher<T> {
  readonly #send: (batch: T[]) => Promise<void>;
  #batch: T[] = [];
  #sent: Promise<void> | undefined;
  #inFlight = new Set<Promise<void>>();

  constructor(send: (batch: T[]) => Promise<void>) {
    this.#send = send;
  }

  /** Adds one item; resolves once the batch holding it was sent. */
  add(item: T): Promise<void> {
    this.#batch.push(item);
    this.#sent ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#flushNow());
    return this.#sent;
  }

  /** Sends what is collected now and waits for every batch in flight. */
  async flush(): Promise<void> {
    if (this.#batch.length > 0) void this.#flushNow().catch(() => undefined);
    await Promise.allSettled([...this.#inFlight]);
  }

  #flushNow(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    this.#sent = undefined;
    if (batch.length === 0) return Promise.resolve();
    const sending = this.#send(batch);
    this.#inFlight.add(sending);
    void sending.catch(() => undefined).finally(() => this.#inFlight.delete(sending));
    return sending;
  }
}

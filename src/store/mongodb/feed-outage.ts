import type { StoreLogger } from '../postgres/store-logger.ts';

/**
 * The log of a change feed's outages, in the words the PostgreSQL feed uses: one warning when
 * the feed breaks, a debug line per failed reconnect, one info line (with its length) once the
 * feed is back. Without a logger it only keeps count.
 */
export class FeedOutage {
  readonly #logger: StoreLogger | undefined;
  readonly #url: string | undefined;
  #current: { since: number; attempts: number } | undefined;

  constructor(options: { logger?: StoreLogger; url?: string }) {
    this.#logger = options.logger;
    this.#url = options.url;
  }

  /** The feed broke, or another attempt to reopen it failed. */
  failed(thrown: unknown): void {
    if (this.#current === undefined) {
      this.#current = { since: Date.now(), attempts: 0 };
      this.#logger?.warn({ store: this.#url, reason: describeFailure(thrown) }, 'store change feed disconnected; reconnecting');
    } else {
      this.#logger?.debug({ store: this.#url, attempt: this.#current.attempts, reason: describeFailure(thrown) }, 'store change feed: reconnect failed');
    }
    this.#current.attempts += 1;
  }

  /** The feed lost its position and starts over from now with a reset. */
  positionLost(thrown: unknown): void {
    this.#logger?.warn({ store: this.#url, reason: describeFailure(thrown) }, 'store change feed lost its position; starting over with a reset (full reload)');
  }

  /** The feed is open again (nothing happens when there was no outage). */
  over(): void {
    if (this.#current === undefined) return;
    const { since, attempts } = this.#current;
    this.#current = undefined;
    this.#logger?.info({ store: this.#url, downMs: Date.now() - since, attempts }, 'store change feed reconnected; resuming after its last position');
  }
}

/** The message of what was thrown. */
export function describeFailure(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

import { toWeftError, type Logger } from '../src/index.ts';

/** The store errors that may go away by themselves: a server not up yet, a grant or replica set not in place yet. */
const TRANSIENT = new Set(['ERR_STORE_UNAVAILABLE', 'ERR_STORE_ACCESS_DENIED', 'ERR_STORE_UNSUITABLE']);

/** Backoff between attempts: FIRST_DELAY_MS doubling up to MAX_DELAY_MS. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

/** The delay after attempt `attempt` (1-based). */
function storeRetryDelay(attempt: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 16));
}

/** Where the attempts are logged, what they wait for, and what stops the waiting. */
export interface RetryOptions {
  readonly logger: Logger;
  /** The store URL, credentials removed, for the log lines. */
  readonly store: string;
  readonly signal: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds, while it fails with a store error that may pass
 * (ERR_STORE_UNAVAILABLE, _ACCESS_DENIED, _UNSUITABLE): after each failure one warn line
 * "waiting for the store" gives the attempt, the code, the reason and the delay before the
 * next one (250 ms doubling up to 10 s; a timer, never a busy loop). Any other error is thrown
 * at once. Resolves undefined when `signal` aborts first (SIGINT while waiting).
 */
export async function retryWhileStoreDown<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T | undefined> {
  for (let count = 1; ; count++) {
    if (options.signal.aborted) return undefined;
    try {
      return await attempt();
    } catch (thrown) {
      const error = toWeftError(thrown);
      if (!TRANSIENT.has(error.code) || options.signal.aborted) throw thrown;
      const retryInMs = storeRetryDelay(count);
      options.logger.warn({ store: options.store, attempt: count, code: error.code, reason: error.message, retryInMs }, 'waiting for the store');
      if (!(await sleep(retryInMs, options.signal))) return undefined;
    }
  }
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** How long a listener stays quiet about an error code it has just logged (one minute). */
export const LOG_INTERVAL_MS = 60_000;

/**
 * Lets through one log line per key (an error code) per interval and counts the ones it holds
 * back, so that a broken workflow answering every request with a 500 logs once a minute, not
 * once per request. Keys are a bounded set (error codes), so the table stays small.
 */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #keys = new Map<string, { until: number; suppressed: number }>();

  constructor(intervalMs = LOG_INTERVAL_MS, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Undefined when `key` was let through within the interval (this one is counted), else the
   * number of lines held back since the last one let through (0 the first time).
   */
  admit(key: string): number | undefined {
    const now = this.#now();
    const entry = this.#keys.get(key);
    if (entry !== undefined && now < entry.until) {
      entry.suppressed++;
      return undefined;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#keys.set(key, { until: now + this.#intervalMs, suppressed: 0 });
    return suppressed;
  }
}

/** Bounds of the reconnect backoff, in milliseconds. */
export interface ReconnectOptions {
  /** The delay before the first retry (default 100). */
  readonly initialMs?: number;
  /** The longest delay between retries (default 5000). */
  readonly maxMs?: number;
}

/** The delay before reconnect attempt `attempt` (1-based): doubling from initialMs up to maxMs, with jitter in [50%, 100%] so engines cut off together do not return together. */
export function reconnectDelay(attempt: number, options: ReconnectOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const ceiling = Math.min(options.maxMs ?? 5000, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

/** How `weft up` restarts a crashed engine. */
export interface RestartPolicy {
  /** The wait before the first restart; each crash in a row doubles it. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** After this long up and ready, an engine counts as healthy: the backoff starts again from the beginning. */
  readonly healthyAfterMs: number;
  /** This many crashes in a row before the engine was ready make it `crash-looping`: no more restarts until told. */
  readonly crashLoopLimit: number;
}

/** The defaults: 100 ms doubling to 30 s, reset after a healthy minute, five crashes at start. */
export const RESTART_POLICY: RestartPolicy = { initialBackoffMs: 100, maxBackoffMs: 30_000, healthyAfterMs: 60_000, crashLoopLimit: 5 };

/** The wait before restarting after `crashes` crashes in a row (1 for the first). */
export function backoffMs(policy: RestartPolicy, crashes: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, crashes - 1));
}

import type { Problem } from '../../src/index.ts';
import { durationMs } from './duration.ts';

/** The longest wait a Node timer can take (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_DELAY_MS = 2_147_483_647;

/** The problem of a duration field (at `path`) too long for a timer, or undefined when it fits. */
export function delayProblem(path: string, value: string | number): Problem | undefined {
  if (durationMs(value) <= MAX_DELAY_MS) return undefined;
  return { path, code: 'ERR_SPEC_INVALID', message: 'must be at most 2147483647 ms (about 24 days)' };
}

/**
 * Waits `ms` milliseconds unless `signal` aborts first: resolves true when the time is up,
 * false when aborted (at once if it already is). Never rejects; the timer and the abort
 * listener are both released whichever comes first. `ms` must be at most MAX_DELAY_MS.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

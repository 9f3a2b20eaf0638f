import { Cron } from 'croner';

/** When a schedule's ticks fall: `next(t)` is the first tick strictly after `t` (epoch ms), or undefined when there is none. */
export interface TickClock {
  next(after: number): number | undefined;
  /** Up to `count` ticks strictly before `before`, the latest ones, oldest first. */
  previous(before: number, count: number): number[];
}

/**
 * The ticks of a cron expression (5 fields, or 6 with seconds first) in an IANA time zone
 * (default UTC), computed by croner. Throws croner's error for a bad expression or zone.
 */
export function cronClock(expression: string, timezone: string | undefined): TickClock {
  const cron = new Cron(expression, { paused: true, mode: '5-or-6-parts', timezone: timezone ?? 'Etc/UTC' });
  return {
    next: (after) => cron.nextRun(new Date(after))?.getTime(),
    previous: (before, count) => cron.previousRuns(count, new Date(before)).map((date) => date.getTime()).reverse(),
  };
}

/**
 * Ticks every `ms` milliseconds on multiples of `ms` since the Unix epoch, so every engine
 * (and every restart) computes the same ticks: a `5s` interval fires at :00, :05, :10…
 */
export function intervalClock(ms: number): TickClock {
  return {
    next: (after) => (Math.floor(after / ms) + 1) * ms,
    previous: (before, count) => {
      const last = Math.ceil(before / ms) - 1;
      return Array.from({ length: count }, (_, index) => (last - count + 1 + index) * ms);
    },
  };
}

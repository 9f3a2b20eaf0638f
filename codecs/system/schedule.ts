import { Type } from '@sinclair/typebox';
import { defineKind, type Problem } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { ScheduleNode } from './schedule/schedule-node.ts';
import { cronClock, intervalClock, type TickClock } from './schedule/tick-clock.ts';

/** The kind name. */
export const kind = 'schedule';

/** The schedule's own spec fields. */
export const schema = Type.Object({
  cron: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first; give cron or interval.' })),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The IANA time zone the cron expression is read in, e.g. Europe/Paris (default UTC).' })),
  interval: Type.Optional(durationSchema('Fire every interval, on multiples of it since the Unix epoch (e.g. 5s fires at :00, :05…); at least 100ms; give cron or interval.')),
  overlap: Type.Optional(Type.Boolean({ description: 'Fire a tick while the previous tick still runs (default false: that tick is skipped and logged).' })),
  leader: Type.Optional(Type.Boolean({ description: 'Fire on one engine only among those sharing the store: the holder of the lease schedule:<namespace>/<name> (default false: every engine fires).' })),
  lease: Type.Optional(durationSchema('How long the leader holds its lease without renewing it; it renews every third of it, and another engine takes over at most this long after the leader died (default 15s, at least 1s).')),
  catchUp: Type.Optional(Type.Boolean({ description: 'With leader: true, fire the ticks missed since the last recorded one (at most 100, the latest) when an engine becomes the leader (default false).' })),
  data: Type.Optional(Type.Unknown({ description: 'A constant sent with each tick as its data field.' })),
});

const DEFAULTS = { overlap: false, leader: false, leaseMs: 15_000, catchUp: false } as const;

/** The shortest interval a schedule may have. */
const MIN_INTERVAL_MS = 100;

interface ScheduleFields {
  cron?: string;
  timezone?: string;
  interval?: string | number;
  leader?: boolean;
  lease?: string | number;
  catchUp?: boolean;
}

/** The clock of a valid spec (cron or interval). */
function clockOf(spec: ScheduleFields): TickClock {
  return spec.cron !== undefined ? cronClock(spec.cron, spec.timezone) : intervalClock(durationMs(spec.interval!));
}

function validate(spec: ScheduleFields): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: string, message: string): void => void problems.push({ path, code: 'ERR_SPEC_INVALID', message });
  if (spec.cron !== undefined && spec.interval !== undefined) problem('interval', 'give either cron or interval, not both');
  if (spec.cron === undefined && spec.interval === undefined) problem('cron', 'give cron or interval');
  if (spec.timezone !== undefined) {
    if (spec.cron === undefined) problem('timezone', 'applies to cron only');
    else if (!knownTimeZone(spec.timezone)) problem('timezone', `"${spec.timezone}" is not a known IANA time zone (e.g. Europe/Paris, America/New_York, UTC)`);
  }
  if (spec.cron !== undefined && (spec.timezone === undefined || knownTimeZone(spec.timezone))) {
    try {
      if (cronClock(spec.cron, spec.timezone).next(Date.now()) === undefined) problem('cron', 'never fires');
    } catch (thrown) {
      problem('cron', `is not a valid cron expression: ${(thrown instanceof Error ? thrown.message : String(thrown)).replace(/^CronPattern: /, '')}`);
    }
  }
  if (spec.interval !== undefined) {
    if (durationMs(spec.interval) < MIN_INTERVAL_MS) problem('interval', `must be at least ${MIN_INTERVAL_MS}ms`);
    else {
      const tooLong = delayProblem('interval', spec.interval);
      if (tooLong !== undefined) problems.push(tooLong);
    }
  }
  if (spec.lease !== undefined) {
    if (durationMs(spec.lease) < 1000) problem('lease', 'must be at least 1s');
    else if (durationMs(spec.lease) > 86_400_000) problem('lease', 'must be at most 24h');
  }
  if (spec.catchUp === true && spec.leader !== true) problem('catchUp', 'needs leader: true (the last fired tick is kept in the lease)');
  return problems;
}

/** True when `zone` is an IANA time zone this Node knows. */
function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `schedule`: fires a workflow on a cron expression or an interval, on every engine or on one leader. */
export const definition = defineKind({
  kind,
  description: 'Fires at each tick of a cron expression or an interval: each tick is a root process sending {tick, scheduled, schedule, data?} to out; with leader: true only one engine of those sharing the store fires.',
  schema,
  ports: { in: [], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => new ScheduleNode({
    name: spec.name ?? spec.id ?? 'schedule',
    clock: clockOf(spec),
    overlap: spec.overlap ?? DEFAULTS.overlap,
    leader: spec.leader ?? DEFAULTS.leader,
    leaseMs: spec.lease === undefined ? DEFAULTS.leaseMs : Math.round(durationMs(spec.lease)),
    catchUp: spec.catchUp ?? DEFAULTS.catchUp,
    data: spec.data,
    context,
  }),
});

import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ScheduleNode } from '../../../codecs/system/schedule/schedule-node.ts';
import { cronClock, intervalClock } from '../../../codecs/system/schedule/tick-clock.ts';
import { recorder, recordKind, type Recorder } from '../queue/queue-harness.ts';
import { refusalOf } from '../../harness/refusal.ts';
import { tempDir, weft } from '../../harness/cli.ts';
import { capturingLogger } from '../../harness/capture-logger.ts';
import type { Logger } from '../../../src/index.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const scheme = new Scheme({ kinds: coreKinds });

interface Engine {
  readonly runtime: Runtime;
  readonly recorder: Recorder;
  schedule(): ScheduleNode;
}

const open: Runtime[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

/** A runtime on `store` (not closing it) whose schedule `tick` sends to a `record` node. */
async function engine(store: MemoryStore, schedule: Record<string, unknown>, options: { ms?: number; insert?: boolean; logger?: Logger } = {}): Promise<Engine> {
  const found = recorder();
  const recorders = new Map([['ticks', found]]);
  const specs: Spec[] = [
    { kind: 'schedule', name: 'tick', ...schedule, links: { out: [{ name: 'record', port: 'in' }] } },
    { kind: 'record', name: 'record', key: 'ticks', ...(options.ms === undefined ? {} : { ms: options.ms }) },
  ];
  if (options.insert ?? true) await store.upsert(specs);
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: [...coreKinds, recordKind(recorders)] }), languages: createDefaultLanguages(), closeStore: false, drainTimeoutMs: 3000, logger: options.logger });
  await runtime.start();
  open.push(runtime);
  return { runtime, recorder: found, schedule: () => runtime.table.byName('tick')!.node as ScheduleNode };
}

const scheduled = (found: Recorder): number[] => found.payloads.map((payload) => Date.parse(payload.scheduled as string));

describe('schedule', () => {
  it('fires a cron expression with seconds on the second, one root process per tick', async () => {
    const { recorder: found } = await engine(new MemoryStore(), { cron: '* * * * * *', data: { job: 'report' } });
    await sleep(3300);
    const ticks = scheduled(found);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const [index, tick] of ticks.entries()) {
      expect(tick % 1000).toBe(0);
      if (index > 0) expect(tick - ticks[index - 1]!).toBe(1000);
      const fired = Date.parse(found.payloads[index]!.tick as string);
      expect(fired - tick).toBeGreaterThanOrEqual(0);
      expect(fired - tick).toBeLessThan(450);
    }
    expect(found.payloads[0]).toMatchObject({ schedule: 'tick', data: { job: 'report' } });
  });

  it('fires an interval on its multiples since the epoch', async () => {
    const { recorder: found } = await engine(new MemoryStore(), { interval: '250ms' });
    await sleep(1200);
    const ticks = scheduled(found);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const [index, tick] of ticks.entries()) {
      expect(tick % 250).toBe(0);
      if (index > 0) expect(tick - ticks[index - 1]!).toBe(250);
    }
  });

  it('skips a tick while the previous tick still runs (overlap false), and overlaps with overlap: true', async () => {
    const serial = await engine(new MemoryStore(), { interval: '100ms' }, { ms: 350 });
    const parallel = await engine(new MemoryStore(), { interval: '100ms', overlap: true }, { ms: 350 });
    await sleep(1300);
    expect(serial.recorder.maxActive).toBe(1);
    expect(serial.schedule().counters.skipped).toBeGreaterThanOrEqual(4);
    const ticks = scheduled(serial.recorder);
    for (let index = 1; index < ticks.length; index++) expect(ticks[index]! - ticks[index - 1]!).toBeGreaterThanOrEqual(400);
    expect(parallel.recorder.maxActive).toBeGreaterThanOrEqual(3);
    expect(parallel.schedule().counters.skipped).toBe(0);
  });

  it('logs an error reply with its code and goes on ticking', async () => {
    const logger = capturingLogger();
    const { recorder: found, schedule } = await engine(new MemoryStore(), { interval: '150ms' }, { logger });
    found.fail = () => true;
    await sleep(700);
    expect(schedule().counters.failed).toBeGreaterThanOrEqual(3);
    expect(schedule().counters.failed).toBe(schedule().counters.fired);
    const failures = logger.lines.filter((line) => line.message === 'tick failed');
    expect(failures.length).toBe(schedule().counters.failed);
    expect(failures[0]).toMatchObject({ level: 'warn', fields: { code: 'ERR_INTERNAL', node: 'tick', kind: 'schedule' } });
  });

  it('computes the next run in the given time zone', () => {
    const at = Date.parse('2026-01-01T00:00:00.000Z');
    expect(new Date(cronClock('0 30 9 * * *', 'Asia/Tokyo').next(at)!).toISOString()).toBe('2026-01-01T00:30:00.000Z');
    expect(new Date(cronClock('0 9 * * *', 'America/New_York').next(at)!).toISOString()).toBe('2026-01-01T14:00:00.000Z');
    // Summer time: 09:00 in New York is 13:00 UTC in July.
    expect(new Date(cronClock('0 9 * * *', 'America/New_York').next(Date.parse('2026-07-01T00:00:00Z'))!).toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(new Date(cronClock('0 9 * * *', undefined).next(at)!).toISOString()).toBe('2026-01-01T09:00:00.000Z');
    expect(intervalClock(5000).previous(Date.parse('2026-01-01T00:00:12.000Z'), 2).map((tick) => new Date(tick).toISOString())).toEqual(['2026-01-01T00:00:05.000Z', '2026-01-01T00:00:10.000Z']);
    expect(cronClock('*/2 * * * * *', undefined).previous(Date.parse('2026-01-01T00:00:04.000Z'), 2)).toEqual([Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:02Z')]);
  });

  it('validates the spec, naming the field', () => {
    const paths = (spec: Record<string, unknown>) => scheme.validate({ kind: 'schedule', name: 's', ...spec }).map((problem) => problem.path);
    expect(paths({ cron: '*/5 * * * * *', timezone: 'Europe/Paris', leader: true, lease: '5s', catchUp: true })).toEqual([]);
    expect(paths({ interval: '1s' })).toEqual([]);
    expect(paths({})).toEqual(['cron']);
    expect(paths({ cron: '* * * * *', interval: '1s' })).toEqual(['interval']);
    expect(paths({ cron: '61 * * * * *' })).toEqual(['cron']);
    expect(paths({ cron: 'every day' })).toEqual(['cron']);
    expect(paths({ cron: '0 0 30 2 *' })).toEqual(['cron']);
    expect(paths({ cron: '* * * * *', timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(paths({ interval: '1s', timezone: 'UTC' })).toEqual(['timezone']);
    expect(paths({ interval: '10ms' })).toEqual(['interval']);
    expect(paths({ interval: 'soon' })).toEqual(['interval']);
    expect(paths({ interval: '1s', lease: '500ms' })).toEqual(['lease']);
    expect(paths({ interval: '1s', catchUp: true })).toEqual(['catchUp']);
  });

  it('is refused by weft validate and weft apply with the field named, storing nothing', async () => {
    const dir = tempDir();
    try {
      const env = { WEFT_STORE: `sqlite://${dir.path}/weft.db` };
      for (const [spec, path] of [['kind: schedule\nname: bad\ncron: "61 * * * * *"\n', 'cron'], ['kind: schedule\nname: bad\ncron: "* * * * *"\ntimezone: Nowhere/City\n', 'timezone'], ['kind: schedule\nname: bad\n', 'cron']] as const) {
        for (const command of ['validate', 'apply']) {
          const run = await weft([command, '-f', '-'], { env, cwd: dir.path, stdin: spec });
          const refusal = refusalOf(run);
          expect(refusal.exitCode, run.stderr).not.toBe(0);
          expect(refusal.paths.some((found) => found.endsWith(path)), run.stderr).toBe(true);
        }
      }
      const stored = await weft(['get', '-o', 'json'], { env, cwd: dir.path });
      expect(JSON.parse(stored.stdout)).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('with leader: true, fires each tick on exactly one of two engines, and the other takes over at once when the leader closes', async () => {
    const store = new MemoryStore();
    const first = await engine(store, { interval: '200ms', leader: true, lease: '2s' });
    await sleep(50);
    const second = await engine(store, { interval: '200ms', leader: true, lease: '2s' }, { insert: false });
    await sleep(900);
    const states = [first.schedule().state, second.schedule().state].sort();
    expect(states).toEqual(['following', 'leading']);
    const [leader, follower] = first.schedule().state === 'leading' ? [first, second] : [second, first];
    expect(scheduled(follower.recorder)).toEqual([]);
    const before = scheduled(leader.recorder);
    expect(before.length).toBeGreaterThanOrEqual(3);
    await leader.runtime.close();
    await sleep(700);
    const after = scheduled(follower.recorder);
    expect(after.length).toBeGreaterThanOrEqual(2);
    const all = [...before, ...scheduled(leader.recorder).slice(before.length), ...after];
    expect(new Set(all).size).toBe(all.length);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
    expect(follower.schedule().state).toBe('leading');
  });

  it('with catchUp, the new leader replays the ticks missed since the last recorded one; without, it does not', async () => {
    for (const catchUp of [true, false]) {
      const store = new MemoryStore();
      const last = Math.floor(Date.now() / 200) * 200 - 1000;
      await store.acquireLease('schedule:default/tick', 'dead-engine', 1, { last: new Date(last).toISOString() });
      await sleep(5);
      const { recorder: found } = await engine(store, { interval: '200ms', leader: true, catchUp }, {});
      await sleep(150);
      const replayed = found.payloads.filter((payload) => payload.replayed === true).map((payload) => Date.parse(payload.scheduled as string));
      if (catchUp) {
        expect(replayed.length).toBeGreaterThanOrEqual(5);
        expect(replayed[0]).toBe(last + 200);
        for (let index = 1; index < replayed.length; index++) expect(replayed[index]! - replayed[index - 1]!).toBe(200);
      } else {
        expect(replayed).toEqual([]);
      }
      await Promise.all(open.splice(0).map((runtime) => runtime.close()));
    }
  });

  it('with catchUp, replays at most the latest 100 missed ticks', async () => {
    const store = new MemoryStore();
    const now = Math.floor(Date.now() / 200) * 200;
    await store.acquireLease('schedule:default/tick', 'dead-engine', 1, { last: new Date(now - 300 * 200).toISOString() });
    await sleep(5);
    const { recorder: found, schedule } = await engine(store, { interval: '200ms', leader: true, catchUp: true });
    await sleep(1000);
    const replayed = found.payloads.filter((payload) => payload.replayed === true).map((payload) => Date.parse(payload.scheduled as string));
    expect(replayed).toHaveLength(100);
    expect(schedule().counters.replayed).toBe(100);
    expect(replayed.at(-1)!).toBeGreaterThanOrEqual(now - 200);
    expect(new Set(scheduled(found)).size).toBe(found.payloads.length);
  });

  it('stops ticking on delete and gives its lease back; a reload goes on without firing a tick twice', async () => {
    const store = new MemoryStore();
    const { recorder: found } = await engine(store, { interval: '150ms', leader: true, data: 1 });
    await sleep(500);
    await store.upsert([{ kind: 'schedule', name: 'tick', interval: '150ms', leader: true, data: 2, links: { out: [{ name: 'record', port: 'in' }] } }]);
    await sleep(600);
    const ticks = scheduled(found);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(found.payloads.some((payload) => payload.data === 2)).toBe(true);
    await store.delete({ name: 'tick' });
    await sleep(100);
    const count = found.payloads.length;
    await sleep(400);
    expect(found.payloads.length).toBe(count);
    expect(await store.acquireLease('schedule:default/tick', 'someone-else', 1000)).not.toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { ProcessGroup } from '../../../src/index.ts';

const within = <T>(promise: Promise<T>, ms = 1000): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);

/** Lets pending promise callbacks and timers of 0 ms run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('ProcessGroup', () => {
  it('counts the processes it spawned until they exit', async () => {
    const group = new ProcessGroup();
    expect(group.size).toBe(0);
    const a = group.spawn();
    const b = group.spawn();
    expect(group.size).toBe(2);
    await within(a.exit());
    expect(group.size).toBe(1);
    await within(b.exit());
    expect(group.size).toBe(0);
  });

  it('does not count forked children', async () => {
    const group = new ProcessGroup();
    const root = group.spawn();
    root.fork();
    expect(group.size).toBe(1);
    await within(root.exit());
    expect(group.size).toBe(0);
  });

  it('checkpoint resolves at once when nothing runs', async () => {
    await within(new ProcessGroup().checkpoint());
  });

  it('checkpoint resolves only after the processes spawned before it have exited', async () => {
    const group = new ProcessGroup();
    const before1 = group.spawn();
    const before2 = group.spawn();
    let reached = false;
    const checkpoint = group.checkpoint().then(() => (reached = true));
    const after = group.spawn();
    await before1.exit();
    await settle();
    expect(reached).toBe(false);
    await before2.exit();
    await within(checkpoint);
    expect(reached).toBe(true);
    expect(after.state).toBe('running');
    expect(group.size).toBe(1);
  });

  it('a later checkpoint also waits for processes spawned between the two', async () => {
    const group = new ProcessGroup();
    const first = group.spawn();
    let firstReached = false;
    const firstCheckpoint = group.checkpoint().then(() => (firstReached = true));
    const second = group.spawn();
    let secondReached = false;
    const secondCheckpoint = group.checkpoint().then(() => (secondReached = true));
    await second.exit();
    await settle();
    expect(firstReached).toBe(false);
    expect(secondReached).toBe(false);
    await first.exit();
    await within(Promise.all([firstCheckpoint, secondCheckpoint]));
  });

  it('drain returns true once every process has exited', async () => {
    const group = new ProcessGroup();
    const process = group.spawn();
    const draining = group.drain(1000);
    setTimeout(() => void process.exit(), 5);
    expect(await within(draining)).toBe(true);
  });

  it('drain returns false when work outlives the timeout', async () => {
    const group = new ProcessGroup();
    group.spawn();
    const started = Date.now();
    expect(await within(group.drain(30))).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(group.size).toBe(1);
  });

  it('stops admitting once drain is called', async () => {
    const group = new ProcessGroup();
    expect(group.admitting).toBe(true);
    expect(await within(group.drain(100))).toBe(true);
    expect(group.admitting).toBe(false);
  });

  it('exitAll ends the processes still running: their signals abort and their hooks run', async () => {
    const group = new ProcessGroup();
    const stuck = group.spawn();
    const hooked = group.spawn();
    let hookError: Error | undefined;
    hooked.onExit((error) => void (hookError = error));
    const reason = new Error('deadline');
    expect(await within(group.exitAll(reason, 1000))).toBe(true);
    expect(stuck.signal.aborted).toBe(true);
    expect(stuck.signal.reason).toBe(reason);
    expect(hookError).toBe(reason);
    expect(group.size).toBe(0);
  });

  it('exitAll gives up waiting for an exit hook that never settles', async () => {
    const group = new ProcessGroup();
    group.spawn().onExit(() => new Promise(() => {}));
    expect(await within(group.exitAll(new Error('deadline'), 30))).toBe(false);
  });

  it('ends a process that runs past the maximum duration with ERR_PROCESS_DEADLINE, and leaves an unbounded one alone', async () => {
    const group = new ProcessGroup({ maxDurationMs: 40 });
    const bounded = group.spawn();
    const unbounded = group.spawn({ unbounded: true });
    const quick = group.spawn();
    await quick.exit();
    const aborted = new Promise<unknown>((resolve) => bounded.signal.addEventListener('abort', () => resolve(bounded.signal.reason)));
    const reason = await Promise.race([aborted, new Promise((resolve) => setTimeout(() => resolve('no deadline'), 2000))]);
    expect(reason).toMatchObject({ code: 'ERR_PROCESS_DEADLINE', category: 'deadline exceeded' });
    expect(bounded.state).toBe('exited');
    expect(unbounded.state).toBe('running');
    expect(group.size).toBe(1);
    await unbounded.exit();
    group.stop();
  });

  it('has no maximum duration unless one is given, and refuses one that is not positive', () => {
    expect(new ProcessGroup().maxDurationMs).toBe(Number.POSITIVE_INFINITY);
    expect(() => new ProcessGroup({ maxDurationMs: 0 })).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { ProcessGroup, WeftError } from '../../../src/index.ts';
import { within } from '../../harness/wait.ts';

describe('ProcessGroup pause and backlog', () => {
  it('admit answers true synchronously while not paused (no promise on the hot path)', () => {
    const group = new ProcessGroup();
    expect(group.admit()).toBe(true);
    expect(group.paused).toBe(false);
  });

  it('paused admissions wait and are released in arrival order on resume', async () => {
    const group = new ProcessGroup({ backlogLimit: 5 });
    expect(group.pause()).toBe(true);
    expect(group.pause()).toBe(false);
    const order: number[] = [];
    const waits = [0, 1, 2, 3].map((index) => {
      const admission = group.admit();
      expect(admission).toBeInstanceOf(Promise);
      return (admission as Promise<true | WeftError>).then((value) => {
        expect(value).toBe(true);
        order.push(index);
      });
    });
    expect(group.backlogSize).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    expect(group.resume()).toBe(true);
    expect(group.resume()).toBe(false);
    await within(Promise.all(waits));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(group.backlogSize).toBe(0);
  });

  it('a full backlog refuses with ERR_BACKLOG_FULL and counts a backpressure event each time', () => {
    const group = new ProcessGroup({ backlogLimit: 2 });
    group.pause();
    group.admit();
    group.admit();
    const refused = group.admit();
    expect(refused).toBeInstanceOf(WeftError);
    expect((refused as WeftError).code).toBe('ERR_BACKLOG_FULL');
    expect((group.admit() as WeftError).code).toBe('ERR_BACKLOG_FULL');
    expect(group.backpressureEvents).toBe(2);
    expect(group.backlogSize).toBe(2);
  });

  it('a backlog limit of 0 refuses every request while paused', () => {
    const group = new ProcessGroup({ backlogLimit: 0 });
    group.pause();
    expect((group.admit() as WeftError).code).toBe('ERR_BACKLOG_FULL');
  });

  it('drain answers the backlog with ERR_SHUTTING_DOWN and wakes whenResumed', async () => {
    const group = new ProcessGroup();
    group.pause();
    const waiting = group.admit() as Promise<true | WeftError>;
    const resumed = group.whenResumed();
    expect(await within(group.drain(1000))).toBe(true);
    expect(((await within(waiting)) as WeftError).code).toBe('ERR_SHUTTING_DOWN');
    await within(resumed);
    expect((group.admit() as WeftError).code).toBe('ERR_SHUTTING_DOWN');
    expect(group.pause()).toBe(false);
  });

  it('onPauseChange reports each pause and resume until unsubscribed', () => {
    const group = new ProcessGroup();
    const seen: boolean[] = [];
    const off = group.onPauseChange((paused) => seen.push(paused));
    group.pause();
    group.pause();
    group.resume();
    off();
    group.pause();
    expect(seen).toEqual([true, false]);
  });

  it('whenResumed resolves at once when not paused and after resume when paused', async () => {
    const group = new ProcessGroup();
    await within(group.whenResumed());
    group.pause();
    let resumed = false;
    const waiting = group.whenResumed().then(() => (resumed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resumed).toBe(false);
    group.resume();
    await within(waiting);
  });

  it('the backlog limit can be changed live and is validated', () => {
    const group = new ProcessGroup({ backlogLimit: 1 });
    group.pause();
    group.admit();
    group.backlogLimit = 2;
    expect(group.admit()).toBeInstanceOf(Promise);
    expect(() => (group.backlogLimit = -1)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });
});

import { describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { within } from '../../harness/wait.ts';

const runtime = (backlogLimit?: number): Runtime => new Runtime({
  store: new MemoryStore(), scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 1000, ...(backlogLimit === undefined ? {} : { backlogLimit }),
});

describe('Runtime control', () => {
  it('is ready only while running: false before start and synchronously once close is called', async () => {
    const running = runtime();
    expect(running.ready).toBe(false);
    await running.start();
    expect(running.ready).toBe(true);
    const closing = running.close();
    expect(running.ready).toBe(false);
    expect(running.state).toBe('closing');
    await within(closing);
    expect(running.ready).toBe(false);
  });

  it('pause and resume change paused, report to onPauseChange listeners, and say whether anything changed', async () => {
    const running = runtime(3);
    await running.start();
    const seen: boolean[] = [];
    const off = running.onPauseChange((paused) => seen.push(paused));
    expect(running.pause()).toBe(true);
    expect(running.paused).toBe(true);
    expect(running.pause()).toBe(false);
    expect(running.processes.backlogLimit).toBe(3);
    expect(running.resume()).toBe(true);
    expect(running.resume()).toBe(false);
    off();
    expect(seen).toEqual([true, false]);
    await running.close();
    expect(running.pause()).toBe(false);
  });
});

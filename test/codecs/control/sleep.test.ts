import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, type WeftError } from '../../../src/index.ts';
import { SleepNode } from '../../../codecs/control/sleep.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { within } from '../../harness/wait.ts';
import { probe } from './test-kinds.ts';

describe('sleep', () => {
  it('waits at least its duration, then passes the packet on to out', async () => {
    const node = new SleepNode(40);
    const after = probe(node.out('out')!, (payload) => `${String(payload)} later`);
    const started = performance.now();
    const reply = node.in('in')!.handle(new Process(), new Packet('x'));
    expect(after).toEqual([]);
    expect((await within(Promise.resolve(reply))).payload).toBe('x later');
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(after.map((call) => call.payload)).toEqual(['x']);
  });

  it('accepts duration or uniflow’s interval, as a string or milliseconds', async () => {
    const wired = await wire([
      { kind: 'sleep', name: 'a', duration: '15ms' },
      { kind: 'sleep', name: 'b', interval: 15 },
    ]);
    try {
      for (const name of ['a', 'b']) {
        const started = performance.now();
        expect((await within(wired.send(name, { n: 1 }))).payload).toEqual({ n: 1 });
        expect(performance.now() - started).toBeGreaterThanOrEqual(14);
      }
    } finally {
      await wired.close();
    }
  });

  it('ends the wait at once with ERR_PROCESS_ABORTED on error when the process ends', async () => {
    const node = new SleepNode(60_000);
    const after = probe(node.out('out')!);
    const process = new Process();
    const reply = node.in('in')!.handle(process, new Packet('x'));
    setTimeout(() => void process.exit(), 10);
    const packet = await within(Promise.resolve(reply), 2000);
    expect((packet.payload as WeftError).code).toBe('ERR_PROCESS_ABORTED');
    expect(after).toEqual([]);
    const exited = new Process();
    await exited.exit();
    expect(((await node.in('in')!.handle(exited, new Packet('y'))).payload as WeftError).code).toBe('ERR_PROCESS_ABORTED');
  });

  it('passes the packet on synchronously for a zero duration', () => {
    const reply = new SleepNode(0).in('in')!.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Packet);
  });

  it('needs exactly one of duration and interval, within the timer range', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (spec: Record<string, unknown>) => scheme.validate({ kind: 'sleep', ...spec }).map((problem) => problem.path);
    expect(paths({})).toEqual(['duration']);
    expect(paths({ duration: '1s', interval: '1s' })).toEqual(['duration']);
    expect(paths({ duration: 'soon' })).toEqual(['duration']);
    expect(paths({ interval: '1000h' })).toEqual(['interval']);
    expect(paths({ duration: '1m30s' })).toEqual([]);
  });
});

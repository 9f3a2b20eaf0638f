import { describe, expect, it } from 'vitest';
import { Packet, Process, WeftError, type Logger } from '../../../src/index.ts';
import { ForkNode } from '../../../codecs/control/fork.ts';
import { wire } from '../../harness/wire.ts';
import { within } from '../../harness/wait.ts';
import { probe } from './test-kinds.ts';

/** A logger that records warn lines. */
function recordingLogger(lines: unknown[]): Logger {
  const logger: Logger = {
    debug: () => {}, info: () => {}, error: () => {}, fatal: () => {},
    warn: (...args: unknown[]) => void lines.push(args[0]),
    child: () => logger,
  } as unknown as Logger;
  return logger;
}

describe('fork', () => {
  it('replies None at once and does the work afterwards, in a child process of the caller', async () => {
    const node = new ForkNode(recordingLogger([]));
    const work = probe(node.out('out')!);
    const parent = new Process();
    expect(node.in('in')!.handle(parent, new Packet('job'))).toBe(Packet.None);
    expect(work).toEqual([]);
    await within(parent.finish());
    expect(work.map((call) => call.payload)).toEqual(['job']);
    expect(work[0]!.process.parent).toBe(parent);
    expect(work[0]!.process.state).toBe('exited');
  });

  it('makes the caller’s finish wait for asynchronous forked work', async () => {
    const node = new ForkNode(recordingLogger([]));
    let finished = false;
    probe(node.out('out')!, async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      finished = true;
      return payload;
    });
    const parent = new Process();
    node.in('in')!.handle(parent, new Packet('job'));
    await within(parent.finish());
    expect(finished).toBe(true);
    expect(parent.state).toBe('exited');
  });

  it('sends an error reply to a linked error port in the child, then ends the child', async () => {
    const node = new ForkNode(recordingLogger([]));
    probe(node.out('out')!, () => new Packet(new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'down' })));
    const caught = probe(node.out('error')!, () => 'handled');
    const parent = new Process();
    node.in('in')!.handle(parent, new Packet('job'));
    await within(parent.finish());
    expect((caught[0]!.payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    expect(caught[0]!.process.parent).toBe(parent);
    expect(caught[0]!.process.error).toBeUndefined();
  });

  it('logs an unhandled error and ends the child with it', async () => {
    const lines: unknown[] = [];
    const node = new ForkNode(recordingLogger(lines));
    const work = probe(node.out('out')!, async () => new Packet(new WeftError('ERR_THROWN_INTERNAL', { message: 'boom' })));
    const parent = new Process();
    node.in('in')!.handle(parent, new Packet('job'));
    await within(parent.finish());
    expect((work[0]!.process.error as WeftError).code).toBe('ERR_THROWN_INTERNAL');
    expect(lines).toHaveLength(1);
    expect(parent.error).toBeUndefined();
  });

  it('ends forked work that is still waiting when the caller exits', async () => {
    const node = new ForkNode(recordingLogger([]));
    let signal: AbortSignal | undefined;
    probe(node.out('out')!, (_payload, process) => {
      signal = process.signal;
      return new Promise<unknown>((resolve) => process.signal.addEventListener('abort', () => resolve('aborted')));
    });
    const parent = new Process();
    node.in('in')!.handle(parent, new Packet('job'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await within(parent.exit());
    expect(signal?.aborted).toBe(true);
  });

  it('runs a wired downstream and answers None through wire (whose send finishes the process)', async () => {
    const wired = await wire([
      { kind: 'fork', name: 'bg', links: { out: [{ name: 'after', port: 'in' }] } },
      { kind: 'sleep', name: 'after', duration: '20ms' },
    ]);
    try {
      const started = Date.now();
      expect(await within(wired.send('bg', 'x'))).toBe(Packet.None);
      expect(Date.now() - started).toBeGreaterThanOrEqual(19);
    } finally {
      await wired.close();
    }
  });
});

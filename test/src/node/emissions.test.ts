import { describe, expect, it } from 'vitest';
import { Emissions, InPort, OutPort, Packet, Process, WeftError } from '../../../src/index.ts';

function target(reply: (packet: Packet) => Packet | Promise<Packet>, seen: unknown[]): InPort {
  return new InPort('in', (_process, packet) => {
    seen.push(packet.payload);
    return reply(packet);
  });
}

describe('Emissions (push: many packets per input, none awaited)', () => {
  it('writes each emit at once to every link, in emit order, and settles with the replies merged', () => {
    const port = new OutPort('out');
    const a: unknown[] = [];
    const b: unknown[] = [];
    port.link(target((packet) => packet, a));
    port.link(target((packet) => packet, b));
    const emissions = new Emissions();
    emissions.emit(port, new Process(), new Packet(1));
    emissions.emitBatch(port, new Process(), [2, 3]);
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([1, 2, 3]);
    expect(emissions.count).toBe(3);
    // Two links each: each emit's reply is the list of both replies.
    expect((emissions.settled() as Packet).payload).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('settles with None when nothing was emitted, and with the one reply when one was', () => {
    expect(new Emissions().settled()).toBe(Packet.None);
    const port = new OutPort('out');
    const one = new Emissions();
    one.emit(port, new Process(), new Packet('x'));
    expect((one.settled() as Packet).payload).toBe('x');
  });

  it('settles only once every asynchronous write has, and an error reply wins', async () => {
    const port = new OutPort('out');
    const seen: unknown[] = [];
    const finished: unknown[] = [];
    port.link(target((packet) => new Promise((resolve) => setTimeout(() => {
      finished.push(packet.payload);
      resolve(packet.payload === 2 ? new Packet(new WeftError('ERR_INTERNAL', { reason: 'two' })) : packet);
    }, 10 * Number(packet.payload))), seen));
    const emissions = new Emissions();
    for (const value of [3, 2, 1]) emissions.emit(port, new Process(), new Packet(value));
    expect(seen).toEqual([3, 2, 1]);
    const reply = await emissions.settled();
    expect(finished).toEqual([1, 2, 3]);
    expect(reply.payload).toBeInstanceOf(WeftError);
  });
});

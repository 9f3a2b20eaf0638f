import { describe, expect, it } from 'vitest';
import { InPort, ManyToOneNode, Packet, Process, WeftError } from '../../../src/index.ts';

const joinPayloads = (_process: Process, packets: readonly Packet[]): Packet => new Packet(packets.map((packet) => packet.payload));

describe('ManyToOneNode', () => {
  it('has in[0..inputs-1] (in is in[0]), out and error', () => {
    const node = new ManyToOneNode({ inputs: 2, action: joinPayloads });
    expect(node.in('in')).toBe(node.in('in[0]'));
    expect(node.in('in[1]')).toBeDefined();
    expect(node.in('in[2]')).toBeUndefined();
    expect(node.in('out')).toBeUndefined();
    expect(node.out('out')).toBe(node.outPort);
    expect(node.out('error')).toBe(node.errorPort);
    expect(node.out('out[0]')).toBeUndefined();
  });

  it('answers an incomplete set None and runs the action on the packet that completes it', () => {
    const node = new ManyToOneNode({ inputs: 3, action: joinPayloads });
    const process = new Process();
    expect(node.in('in[2]')!.handle(process, new Packet('c'))).toBe(Packet.None);
    expect(node.in('in[0]')!.handle(process, new Packet('a'))).toBe(Packet.None);
    const reply = node.in('in[1]')!.handle(process, new Packet('b'));
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toEqual(['a', 'b', 'c']);
  });

  it('sends the combined packet to out; only the completing input gets out’s reply', () => {
    const node = new ManyToOneNode({ inputs: 2, action: joinPayloads });
    const received: unknown[] = [];
    node.outPort.link(new InPort('in', (_process, packet) => (received.push(packet.payload), new Packet('downstream'))));
    const process = new Process();
    expect(node.in('in[0]')!.handle(process, new Packet(1))).toBe(Packet.None);
    expect((node.in('in[1]')!.handle(process, new Packet(2)) as Packet).payload).toBe('downstream');
    expect(received).toEqual([[1, 2]]);
  });

  it('keeps the sets of different processes apart', () => {
    const node = new ManyToOneNode({ inputs: 2, action: joinPayloads });
    const first = new Process();
    const second = new Process();
    expect(node.in('in[0]')!.handle(first, new Packet('first-0'))).toBe(Packet.None);
    expect(node.in('in[1]')!.handle(second, new Packet('second-1'))).toBe(Packet.None);
    expect((node.in('in[1]')!.handle(first, new Packet('first-1')) as Packet).payload).toEqual(['first-0', 'first-1']);
    expect((node.in('in[0]')!.handle(second, new Packet('second-0')) as Packet).payload).toEqual(['second-0', 'second-1']);
  });

  it('forms sets in arrival order per port', () => {
    const node = new ManyToOneNode({ inputs: 2, action: joinPayloads });
    const process = new Process();
    node.in('in[0]')!.handle(process, new Packet('a1'));
    node.in('in[0]')!.handle(process, new Packet('a2'));
    expect((node.in('in[1]')!.handle(process, new Packet('b1')) as Packet).payload).toEqual(['a1', 'b1']);
    expect((node.in('in[1]')!.handle(process, new Packet('b2')) as Packet).payload).toEqual(['a2', 'b2']);
  });

  it('gathers the branches of a fan-out and the caller sees one reply', () => {
    const node = new ManyToOneNode({ inputs: 2, action: joinPayloads });
    const process = new Process();
    const left = node.in('in[0]')!;
    const right = node.in('in[1]')!;
    expect(left.handle(process, new Packet('l'))).toBe(Packet.None);
    const replies = [Packet.None, right.handle(process, new Packet('r')) as Packet].filter((packet) => packet !== Packet.None);
    expect(replies.map((packet) => packet.payload)).toEqual([['l', 'r']]);
  });

  it('sends a returned error to error, and its handler’s reply stands', () => {
    const error = new WeftError('ERR_INTERNAL', { reason: 'cannot join' });
    const node = new ManyToOneNode({ inputs: 1, action: () => new Packet(error) });
    expect((node.in('in')!.handle(new Process(), new Packet(1)) as Packet).payload).toBe(error);
    node.errorPort.link(new InPort('in', () => new Packet('handled')));
    expect((node.in('in')!.handle(new Process(), new Packet(1)) as Packet).payload).toBe('handled');
  });

  it('sends a thrown error to error as ERR_INTERNAL', () => {
    const node = new ManyToOneNode({
      inputs: 1,
      action: () => {
        throw new Error('boom');
      },
    });
    const errors: unknown[] = [];
    node.errorPort.link(new InPort('in', (_process, packet) => (errors.push(packet.payload), new Packet('handled'))));
    expect((node.in('in')!.handle(new Process(), new Packet(1)) as Packet).payload).toBe('handled');
    expect((errors[0] as WeftError).code).toBe('ERR_INTERNAL');
  });

  it('routes an async result to out', async () => {
    const node = new ManyToOneNode({ inputs: 2, action: async (process, packets) => joinPayloads(process, packets) });
    node.outPort.link(new InPort('in', (_process, packet) => new Packet({ got: packet.payload })));
    const process = new Process();
    node.in('in[0]')!.handle(process, new Packet(1));
    expect((await node.in('in[1]')!.handle(process, new Packet(2))).payload).toEqual({ got: [1, 2] });
  });

  it('sends a rejected action to error, as OneToOneNode does', async () => {
    const node = new ManyToOneNode({ inputs: 1, action: () => Promise.reject(new Error('async boom')) });
    const errors: unknown[] = [];
    node.errorPort.link(new InPort('in', (_process, packet) => (errors.push(packet.payload), new Packet('handled'))));
    expect((await node.in('in')!.handle(new Process(), new Packet(1))).payload).toBe('handled');
    expect((errors[0] as WeftError).code).toBe('ERR_INTERNAL');
  });

  it('after close, its in-ports reply ERR_NODE_CLOSED', () => {
    const node = new ManyToOneNode({ inputs: 2, action: joinPayloads });
    const in0 = node.in('in[0]')!;
    node.close();
    expect(((in0.handle(new Process(), new Packet(1)) as Packet).payload as WeftError).code).toBe('ERR_NODE_CLOSED');
  });
});

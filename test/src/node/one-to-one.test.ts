import { describe, expect, it } from 'vitest';
import { InPort, OneToOneNode, Packet, Process, WeftError, type Handler } from '../../../src/index.ts';

/** An in-port recording the payloads it receives and replying with `reply(payload)`. */
function sink(received: unknown[], reply: (payload: unknown) => unknown = (payload) => payload): InPort {
  return new InPort('in', (_process, packet) => {
    received.push(packet.payload);
    return new Packet(reply(packet.payload));
  });
}

const increment = (_process: Process, packet: Packet): Packet => new Packet((packet.payload as number) + 1);

describe('OneToOneNode', () => {
  it('has in, out and error ports and nothing else', () => {
    const node = new OneToOneNode(increment);
    expect(node.in('in')).toBe(node.inPort);
    expect(node.out('out')).toBe(node.outPort);
    expect(node.out('error')).toBe(node.errorPort);
    expect(node.in('out')).toBeUndefined();
    expect(node.out('in')).toBeUndefined();
    expect(node.out('out[0]')).toBeUndefined();
  });

  it('returns the action’s value as the reply when out is unlinked', () => {
    const node = new OneToOneNode(increment);
    const reply = node.inPort.handle(new Process(), new Packet(1));
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toBe(2);
  });

  it('sends the value to out and replies with out’s reply', () => {
    const node = new OneToOneNode(increment);
    const received: unknown[] = [];
    node.outPort.link(sink(received, (payload) => `downstream saw ${String(payload)}`));
    const reply = node.inPort.handle(new Process(), new Packet(1)) as Packet;
    expect(received).toEqual([2]);
    expect(reply.payload).toBe('downstream saw 2');
  });

  it('sends a returned error packet to error, not out', () => {
    const error = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 's' });
    const node = new OneToOneNode(() => new Packet(error));
    const out: unknown[] = [];
    const errors: unknown[] = [];
    node.outPort.link(sink(out));
    node.errorPort.link(sink(errors, () => 'handled'));
    const reply = node.inPort.handle(new Process(), new Packet(1)) as Packet;
    expect(out).toEqual([]);
    expect(errors).toEqual([error]);
    expect(reply.payload).toBe('handled');
  });

  it('replies with the error itself when error is unlinked', () => {
    const error = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 's' });
    const node = new OneToOneNode(() => new Packet(error));
    const reply = node.inPort.handle(new Process(), new Packet(1)) as Packet;
    expect(reply.payload).toBe(error);
  });

  it('sends a thrown error to error as ERR_INTERNAL', () => {
    const node = new OneToOneNode(() => {
      throw new Error('boom');
    });
    const errors: unknown[] = [];
    node.errorPort.link(sink(errors));
    const reply = node.inPort.handle(new Process(), new Packet(1)) as Packet;
    expect(errors).toHaveLength(1);
    expect((errors[0] as WeftError).code).toBe('ERR_INTERNAL');
    expect((reply.payload as WeftError).code).toBe('ERR_INTERNAL');
    expect((reply.payload as WeftError).message).toContain('boom');
  });

  it('keeps the code of a thrown WeftError', () => {
    const node = new OneToOneNode(() => {
      throw new WeftError('ERR_STORE_UNAVAILABLE', { reason: 'down' });
    });
    const reply = node.inPort.handle(new Process(), new Packet(1)) as Packet;
    expect((reply.payload as WeftError).code).toBe('ERR_STORE_UNAVAILABLE');
  });

  it('sends a rejected action to error, whose handler’s reply stands', async () => {
    const node = new OneToOneNode(() => Promise.reject(new Error('async boom')));
    const errors: unknown[] = [];
    node.errorPort.link(sink(errors, () => 'recovered'));
    const reply = await node.inPort.handle(new Process(), new Packet(1));
    expect((errors[0] as WeftError).code).toBe('ERR_INTERNAL');
    expect(reply.payload).toBe('recovered');
  });

  it('routes an async value to out and an async error packet to error', async () => {
    const node = new OneToOneNode(async (_process, packet) =>
      packet.payload === 'bad' ? new Packet(new WeftError('ERR_INTERNAL', { reason: 'bad' })) : new Packet(`ok ${String(packet.payload)}`));
    const out: unknown[] = [];
    const errors: unknown[] = [];
    node.outPort.link(sink(out));
    node.errorPort.link(sink(errors, () => 'error handled'));
    expect((await node.inPort.handle(new Process(), new Packet('good'))).payload).toBe('ok good');
    expect((await node.inPort.handle(new Process(), new Packet('bad'))).payload).toBe('error handled');
    expect(out).toEqual(['ok good']);
    expect(errors).toHaveLength(1);
  });

  it('replies None without writing when the action returns None', () => {
    const node = new OneToOneNode(() => Packet.None);
    const out: unknown[] = [];
    node.outPort.link(sink(out));
    expect(node.inPort.handle(new Process(), new Packet(1))).toBe(Packet.None);
    expect(out).toEqual([]);
  });

  it('gives the action the process of the write', () => {
    let seen: Process | undefined;
    const node = new OneToOneNode((process, packet) => ((seen = process), packet));
    const process = new Process();
    node.inPort.handle(process, new Packet(1));
    expect(seen).toBe(process);
  });

  it('chains synchronously: a chain of sync nodes replies with a Packet', () => {
    const nodes = Array.from({ length: 5 }, () => new OneToOneNode(increment));
    for (let i = 0; i < nodes.length - 1; i++) nodes[i]!.outPort.link(nodes[i + 1]!.inPort);
    const reply = nodes[0]!.inPort.handle(new Process(), new Packet(0));
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toBe(5);
  });

  it('after close, replies ERR_NODE_CLOSED without running the action', () => {
    let calls = 0;
    const handler: Handler = (_process, packet) => (calls++, packet);
    const node = new OneToOneNode(handler);
    node.close();
    const reply = node.inPort.handle(new Process(), new Packet(1)) as Packet;
    expect((reply.payload as WeftError).code).toBe('ERR_NODE_CLOSED');
    expect(calls).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { InPort, Packet, Process, WeftError } from '../../../src/index.ts';

describe('InPort', () => {
  it('returns the handler’s reply with the process and packet it was given', () => {
    const seen: [Process, Packet][] = [];
    const reply = new Packet('reply');
    const port = new InPort('in', (process, packet) => {
      seen.push([process, packet]);
      return reply;
    });
    const process = new Process();
    const packet = new Packet('request');
    expect(port.handle(process, packet)).toBe(reply);
    expect(seen).toEqual([[process, packet]]);
  });

  it('keeps a synchronous reply synchronous', () => {
    const port = new InPort('in', (_process, packet) => packet);
    const reply = port.handle(new Process(), new Packet(1));
    expect(reply).toBeInstanceOf(Packet);
  });

  it('resolves an async reply', async () => {
    const port = new InPort('in', async (_process, packet) => new Packet((packet.payload as number) * 2));
    const reply = port.handle(new Process(), new Packet(21));
    expect(reply).toBeInstanceOf(Promise);
    expect((await reply).payload).toBe(42);
  });

  it('turns a throw into an ERR_INTERNAL error packet', () => {
    const thrown = new Error('boom');
    const port = new InPort('in', () => {
      throw thrown;
    });
    const reply = port.handle(new Process(), new Packet(1)) as Packet;
    expect(reply).toBeInstanceOf(Packet);
    expect(reply.isError).toBe(true);
    expect((reply.payload as WeftError).code).toBe('ERR_INTERNAL');
    expect((reply.payload as WeftError).cause).toBe(thrown);
  });

  it('keeps the code of a thrown WeftError', () => {
    const port = new InPort('in', () => {
      throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: 's' });
    });
    expect(((port.handle(new Process(), new Packet(1)) as Packet).payload as WeftError).code).toBe('ERR_SPEC_NOT_FOUND');
  });

  it('turns a rejection into an ERR_INTERNAL error packet', async () => {
    const port = new InPort('in', () => Promise.reject(new Error('async boom')));
    const reply = await port.handle(new Process(), new Packet(1));
    expect(reply.isError).toBe(true);
    expect((reply.payload as WeftError).code).toBe('ERR_INTERNAL');
    expect((reply.payload as WeftError).message).toContain('async boom');
  });

  it('after close, replies ERR_NODE_CLOSED without calling the handler', () => {
    let calls = 0;
    const port = new InPort('in', (_process, packet) => {
      calls++;
      return packet;
    });
    expect(port.closed).toBe(false);
    port.close();
    expect(port.closed).toBe(true);
    const reply = port.handle(new Process(), new Packet(1)) as Packet;
    expect(reply).toBeInstanceOf(Packet);
    expect((reply.payload as WeftError).code).toBe('ERR_NODE_CLOSED');
    expect(calls).toBe(0);
  });

  it('lets work already inside the handler finish after close', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const port = new InPort('in', async (_process, packet) => {
      await gate;
      return packet;
    });
    const packet = new Packet('in flight');
    const reply = port.handle(new Process(), packet);
    port.close();
    release();
    expect(await reply).toBe(packet);
  });
});

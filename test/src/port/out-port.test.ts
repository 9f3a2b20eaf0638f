import { describe, expect, it } from 'vitest';
import { InPort, OutPort, Packet, Process, WeftError, type Handler } from '../../../src/index.ts';

/** An in-port that records what reaches it and replies `label:payload`. */
function target(label: string, received: string[] = [], handler?: Handler): InPort {
  return new InPort(label, (process, packet) => {
    received.push(label);
    return handler === undefined ? new Packet(`${label}:${String(packet.payload)}`) : handler(process, packet);
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutPort', () => {
  it('write with no link returns the same packet', () => {
    const port = new OutPort('out');
    const packet = new Packet('x');
    expect(port.write(new Process(), packet)).toBe(packet);
  });

  it('write with one link returns that link’s reply', () => {
    const reply = new Packet('reply');
    const port = new OutPort('out');
    port.link(new InPort('in', () => reply));
    expect(port.write(new Process(), new Packet('x'))).toBe(reply);
  });

  it('passes the writer’s process on to the in-port', () => {
    let seen: Process | undefined;
    const port = new OutPort('out');
    port.link(new InPort('in', (process, packet) => ((seen = process), packet)));
    const process = new Process();
    port.write(process, new Packet(1));
    expect(seen).toBe(process);
  });

  it('merges fan-out replies in link order', () => {
    const received: string[] = [];
    const port = new OutPort('out');
    port.link(target('a', received));
    port.link(target('b', received));
    port.link(target('c', received));
    const reply = port.write(new Process(), new Packet(1)) as Packet;
    expect(reply).toBeInstanceOf(Packet);
    expect(reply.payload).toEqual(['a:1', 'b:1', 'c:1']);
    expect(received).toEqual(['a', 'b', 'c']);
  });

  it('merges async fan-out replies in link order even when they resolve in reverse', async () => {
    const resolved: string[] = [];
    const slow = (label: string, ms: number): InPort =>
      new InPort(label, async () => {
        await delay(ms);
        resolved.push(label);
        return new Packet(label);
      });
    const port = new OutPort('out');
    port.link(slow('first', 30));
    port.link(slow('second', 15));
    port.link(new InPort('third', () => new Packet('third')));
    const reply = port.write(new Process(), new Packet(null));
    expect(reply).toBeInstanceOf(Promise);
    expect((await reply).payload).toEqual(['first', 'second', 'third']);
    expect(resolved).toEqual(['second', 'first']);
  });

  it('skips None replies and lets an error win in a fan-out', () => {
    const port = new OutPort('out');
    port.link(new InPort('a', () => Packet.None));
    port.link(new InPort('b', () => new Packet('b')));
    expect((port.write(new Process(), new Packet(1)) as Packet).payload).toBe('b');
    port.link(new InPort('c', () => new Packet(new WeftError('ERR_STORE_CLOSED'))));
    const reply = port.write(new Process(), new Packet(1)) as Packet;
    expect((reply.payload as WeftError).code).toBe('ERR_STORE_CLOSED');
  });

  it('keeps synchronous handlers synchronous through a fan-out', () => {
    const port = new OutPort('out');
    port.link(target('a'));
    port.link(target('b'));
    expect(port.write(new Process(), new Packet(1))).toBeInstanceOf(Packet);
  });

  it('link ignores a duplicate and unlink removes a target', () => {
    const a = target('a');
    const b = target('b');
    const port = new OutPort('out');
    port.link(a);
    port.link(a);
    port.link(b);
    expect(port.links).toEqual([a, b]);
    port.unlink(a);
    expect(port.links).toEqual([b]);
    port.unlink(a);
    expect(port.links).toEqual([b]);
    port.unlinkAll();
    expect(port.links).toEqual([]);
  });

  it('write follows every change of links: link, unlink, relink, setLinks, unlinkAll', () => {
    const a = target('a');
    const b = target('b');
    const c = target('c');
    const port = new OutPort('out');
    const write = () => (port.write(new Process(), new Packet(1)) as Packet).payload;
    expect(write()).toBe(1);
    port.link(a);
    expect(write()).toBe('a:1');
    port.link(b);
    expect(write()).toEqual(['a:1', 'b:1']);
    port.unlink(a);
    expect(write()).toBe('b:1');
    port.relink(b, c);
    expect(write()).toBe('c:1');
    port.setLinks([a, b]);
    expect(write()).toEqual(['a:1', 'b:1']);
    port.setLinks([b]);
    expect(write()).toBe('b:1');
    port.unlinkAll();
    expect(write()).toBe(1);
  });

  it('relink replaces a target in place, keeping link order', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((label) => target(label));
    const port = new OutPort('out');
    port.setLinks([a!, b!, c!]);
    port.relink(b!, d!);
    expect(port.links).toEqual([a, d, c]);
    expect((port.write(new Process(), new Packet(0)) as Packet).payload).toEqual(['a:0', 'd:0', 'c:0']);
  });

  it('setLinks swaps the whole list and keeps the array when nothing changes', () => {
    const [a, b] = ['a', 'b'].map((label) => target(label));
    const port = new OutPort('out');
    port.setLinks([a!, b!]);
    const before = port.links;
    port.setLinks([a!, b!]);
    expect(port.links).toBe(before);
    port.setLinks([b!]);
    expect(port.links).toEqual([b]);
    expect(before).toEqual([a, b]);
  });

  it('does not share the array given to setLinks', () => {
    const a = target('a');
    const targets = [a];
    const port = new OutPort('out');
    port.setLinks(targets);
    targets.push(target('b'));
    expect(port.links).toEqual([a]);
  });

  it('a fan-out in progress keeps the links it started with', () => {
    const port = new OutPort('out');
    const later = target('later');
    const received: string[] = [];
    port.link(target('a', received, (_process, packet) => {
      port.setLinks([later]);
      return new Packet(`a:${String(packet.payload)}`);
    }));
    port.link(target('b', received));
    const reply = port.write(new Process(), new Packet(1)) as Packet;
    expect(reply.payload).toEqual(['a:1', 'b:1']);
    expect(received).toEqual(['a', 'b']);
    expect((port.write(new Process(), new Packet(2)) as Packet).payload).toBe('later:2');
  });

  it('an async fan-out in progress keeps its links while they are swapped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const port = new OutPort('out');
    const received: string[] = [];
    port.link(target('a', received, async () => {
      await gate;
      return new Packet('a');
    }));
    port.link(target('b', received));
    const reply = port.write(new Process(), new Packet(1));
    port.unlinkAll();
    release();
    expect((await reply).payload).toEqual(['a', 'b:1']);
    const packet = new Packet(2);
    expect(port.write(new Process(), packet)).toBe(packet);
  });

  it('answers a write of an exited process with the error it ended with, else ERR_PROCESS_EXITED, without calling the target', async () => {
    let calls = 0;
    const port = new OutPort('out');
    port.link(new InPort('in', (_process, packet) => (calls++, packet)));
    const process = new Process();
    await process.exit(new WeftError('ERR_PROCESS_DEADLINE', { ms: 10 }));
    const reply = port.write(process, new Packet('late')) as Packet;
    expect(reply.payload).toMatchObject({ code: 'ERR_PROCESS_DEADLINE' });
    const ended = new Process();
    await ended.exit();
    expect((port.write(ended, new Packet('late')) as Packet).payload).toMatchObject({ code: 'ERR_PROCESS_EXITED' });
    expect(calls).toBe(0);
  });
});

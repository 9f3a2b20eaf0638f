import { describe, expect, it } from 'vitest';
import { InPort, OneToManyNode, Packet, Process, WeftError } from '../../../src/index.ts';

/** An in-port that replies `label:payload`, after `ms` milliseconds when given. */
function target(label: string, ms?: number): InPort {
  return new InPort(label, (_process, packet) => {
    const reply = new Packet(`${label}:${String(packet.payload)}`);
    return ms === undefined ? reply : new Promise((resolve) => setTimeout(() => resolve(reply), ms));
  });
}

describe('OneToManyNode', () => {
  it('treats out as out[0] and creates indexed ports when first referenced', () => {
    const node = new OneToManyNode(() => []);
    const out0 = node.out('out[0]');
    expect(out0).toBeDefined();
    expect(node.out('out')).toBe(out0);
    expect(node.out('out[3]')).toBe(node.out('out[3]'));
    expect(node.out('out[3]')!.name).toBe('out[3]');
    expect(node.out('error')).toBe(node.errorPort);
    expect(node.out('other')).toBeUndefined();
    expect(node.in('in')).toBe(node.inPort);
    expect(node.in('in[0]')).toBeUndefined();
  });

  it('writes each produced packet to its port and merges the replies in index order', () => {
    const node = new OneToManyNode((_process, packet) => [packet, undefined, new Packet('second')]);
    node.out('out[0]')!.link(target('zero'));
    node.out('out[1]')!.link(target('one'));
    node.out('out[2]')!.link(target('two'));
    const reply = node.inPort.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toEqual(['zero:x', 'two:second']);
  });

  it('keeps index order when async replies resolve in reverse', async () => {
    const node = new OneToManyNode((_process, packet) => [packet, packet]);
    node.out('out[0]')!.link(target('zero', 30));
    node.out('out[1]')!.link(target('one', 5));
    expect((await node.inPort.handle(new Process(), new Packet('x'))).payload).toEqual(['zero:x', 'one:x']);
  });

  it('replies with a single port’s reply as it is', () => {
    const node = new OneToManyNode((_process, packet) => [undefined, packet]);
    node.out('out[1]')!.link(target('one'));
    expect((node.inPort.handle(new Process(), new Packet('x')) as Packet).payload).toBe('one:x');
  });

  it('replies with the input itself when nothing is produced', () => {
    const node = new OneToManyNode(() => [undefined, undefined]);
    node.out('out[0]')!.link(target('zero'));
    const packet = new Packet('unmatched');
    expect(node.inPort.handle(new Process(), packet)).toBe(packet);
    expect(new OneToManyNode(() => []).inPort.handle(new Process(), packet)).toBe(packet);
  });

  it('replies with a produced packet itself when its port is unlinked', () => {
    const output = new Packet('out');
    const node = new OneToManyNode(() => [output]);
    node.out('out');
    expect(node.inPort.handle(new Process(), new Packet('in'))).toBe(output);
  });

  it('sends a returned error packet to error', () => {
    const error = new WeftError('ERR_SPEC_NOT_FOUND', { method: 'GET', path: '/x' });
    const node = new OneToManyNode(() => new Packet(error));
    node.out('out[0]')!.link(target('zero'));
    expect((node.inPort.handle(new Process(), new Packet('x')) as Packet).payload).toBe(error);
    node.errorPort.link(target('error'));
    expect((node.inPort.handle(new Process(), new Packet('x')) as Packet).payload).toBe(`error:${String(error)}`);
  });

  it('sends a thrown error to error as ERR_INTERNAL', () => {
    const node = new OneToManyNode(() => {
      throw new Error('boom');
    });
    const errors: unknown[] = [];
    node.errorPort.link(new InPort('in', (_process, packet) => (errors.push(packet.payload), new Packet('handled'))));
    expect((node.inPort.handle(new Process(), new Packet('x')) as Packet).payload).toBe('handled');
    expect((errors[0] as WeftError).code).toBe('ERR_INTERNAL');
  });

  it('lets an error reply of one out-port win the merge', () => {
    const node = new OneToManyNode((_process, packet) => [packet, packet]);
    node.out('out[0]')!.link(target('zero'));
    node.out('out[1]')!.link(new InPort('in', () => new Packet(new WeftError('ERR_STORE_CLOSED'))));
    expect(((node.inPort.handle(new Process(), new Packet('x')) as Packet).payload as WeftError).code).toBe('ERR_STORE_CLOSED');
  });
});

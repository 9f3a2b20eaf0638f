import { describe, expect, it } from 'vitest';
import { InPort, OneToOneNode, Packet, Process, SourceNode, WeftError } from '../../../src/index.ts';

class TestSource extends SourceNode {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

const notFound = (): WeftError => new WeftError('ERR_SPEC_NOT_FOUND', { method: 'GET', path: '/x' });

describe('SourceNode', () => {
  it('has out and error, and no in-port', () => {
    const source = new TestSource();
    expect(source.out('out')).toBe(source.outPort);
    expect(source.out('error')).toBe(source.errorPort);
    expect(source.out('out[0]')).toBeUndefined();
    expect(source.in('in')).toBeUndefined();
  });

  it('emit returns out’s reply, or the packet itself when out is unlinked', () => {
    const source = new TestSource();
    const packet = new Packet('request');
    expect(source.emit(new Process(), packet)).toBe(packet);
    source.outPort.link(new InPort('in', (_process, request) => new Packet(`reply to ${String(request.payload)}`)));
    expect((source.emit(new Process(), packet) as Packet).payload).toBe('reply to request');
  });

  it('keeps a synchronous downstream synchronous', () => {
    const source = new TestSource();
    const node = new OneToOneNode((_process, packet) => packet);
    source.outPort.link(node.inPort);
    expect(source.emit(new Process(), new Packet(1))).toBeInstanceOf(Packet);
  });

  it('routes an error reply to error when linked, whose reply then stands', () => {
    const source = new TestSource();
    const error = notFound();
    source.outPort.link(new InPort('in', () => new Packet(error)));
    const handled: unknown[] = [];
    source.errorPort.link(new InPort('in', (_process, packet) => (handled.push(packet.payload), new Packet({ status: 404 }))));
    expect((source.emit(new Process(), new Packet('request')) as Packet).payload).toEqual({ status: 404 });
    expect(handled).toEqual([error]);
  });

  it('routes an async error reply to error when linked', async () => {
    const source = new TestSource();
    source.outPort.link(new InPort('in', async () => new Packet(notFound())));
    source.errorPort.link(new InPort('in', () => new Packet('handled')));
    expect((await source.emit(new Process(), new Packet('request'))).payload).toBe('handled');
  });

  it('returns the error reply itself when error is unlinked', async () => {
    const source = new TestSource();
    const error = notFound();
    source.outPort.link(new InPort('in', () => new Packet(error)));
    expect((source.emit(new Process(), new Packet('request')) as Packet).payload).toBe(error);
    const asyncSource = new TestSource();
    asyncSource.outPort.link(new InPort('in', async () => new Packet(error)));
    expect((await asyncSource.emit(new Process(), new Packet('request'))).payload).toBe(error);
  });

  it('sends an emitted error packet straight to error', () => {
    const source = new TestSource();
    const out: unknown[] = [];
    source.outPort.link(new InPort('in', (_process, packet) => (out.push(packet.payload), packet)));
    source.errorPort.link(new InPort('in', () => new Packet('handled')));
    expect((source.emit(new Process(), new Packet(notFound())) as Packet).payload).toBe('handled');
    expect(out).toEqual([]);
  });
});

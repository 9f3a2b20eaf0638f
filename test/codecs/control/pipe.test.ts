import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { PipeNode } from '../../../codecs/control/pipe.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { probe } from './test-kinds.ts';

const fail = (): Packet => new Packet(new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'down' }));

describe('pipe / call', () => {
  it('calls out[0], continues on out[1] with its result, and replies with out[1]’s reply', async () => {
    const node = new PipeNode();
    const calls: string[] = [];
    probe(node.out('out[0]')!, (payload) => (calls.push(`call:${String(payload)}`), `${String(payload)}!`));
    probe(node.out('out[1]')!, (payload) => (calls.push(`then:${String(payload)}`), `${String(payload)}?`));
    const reply = node.in('in')!.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toBe('x!?');
    expect(calls).toEqual(['call:x', 'then:x!']);
  });

  it('replies with the out[0] result when out[1] is unlinked (out is out[0])', async () => {
    const node = new PipeNode();
    probe(node.out('out')!, (payload) => `${String(payload)}!`);
    expect((await node.in('in')!.handle(new Process(), new Packet('x'))).payload).toBe('x!');
  });

  it('skips unlinked ports and passes each reply to the next linked one (out[0] → out[2] → out[4])', async () => {
    const node = new PipeNode();
    probe(node.out('out[0]')!, (payload) => `${String(payload)}0`);
    node.out('out[1]');
    probe(node.out('out[2]')!, async (payload) => `${String(payload)}2`);
    probe(node.out('out[4]')!, (payload) => `${String(payload)}4`);
    const reply = node.in('in')!.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Promise);
    expect((await reply).payload).toBe('x024');
  });

  it('sends an error reply to error and does not continue; unlinked error is the reply', async () => {
    const node = new PipeNode();
    probe(node.out('out[0]')!, fail);
    const next = probe(node.out('out[1]')!);
    expect(((await node.in('in')!.handle(new Process(), new Packet('x'))).payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    const caught = probe(node.out('error')!, () => 'handled');
    expect((await node.in('in')!.handle(new Process(), new Packet('x'))).payload).toBe('handled');
    expect((caught[0]!.payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    expect(next).toEqual([]);
  });

  it('ends with None when a call answers None', async () => {
    const node = new PipeNode();
    probe(node.out('out[0]')!, () => Packet.None);
    const next = probe(node.out('out[1]')!);
    expect(await node.in('in')!.handle(new Process(), new Packet('x'))).toBe(Packet.None);
    expect(next).toEqual([]);
  });

  it('wires under both names with core kinds', async () => {
    for (const kind of ['call', 'pipe']) {
      const wired = await wire([
        { kind, name: 'p', links: { 'out[0]': [{ name: 'sub', port: 'in' }], 'out[1]': [{ name: 'then', port: 'in' }] } },
        { kind: 'snippet', name: 'sub', language: 'json', code: '[1, 2]' },
        { kind: 'split', name: 'then' },
      ]);
      try {
        expect((await wired.send('p', null)).payload).toEqual([1, 2]);
      } finally {
        await wired.close();
      }
    }
  });

  it('declares in, out[N] and error', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    expect(scheme.validate({ kind: 'pipe', links: { 'out[3]': [{ name: 'a', port: 'in' }], error: [{ name: 'b', port: 'in' }] } })).toEqual([]);
    expect(scheme.validate({ kind: 'call', links: { done: [{ name: 'a', port: 'in' }] } }).map((problem) => problem.code)).toEqual(['ERR_PORT_UNKNOWN']);
  });
});

import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { MergeNode } from '../../../codecs/control/merge.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { probe } from './test-kinds.ts';

describe('merge', () => {
  it('emits the list of one packet per linked in-port, in port order; only the completing packet gets the reply', async () => {
    const node = new MergeNode();
    const ports = [0, 1, 2, 3].map((index) => node.in(`in[${index}]`)!);
    const out = probe(node.out('out')!, (payload) => ({ merged: payload }));
    const process = new Process();
    expect(ports[2]!.handle(process, new Packet('v2'))).toBe(Packet.None);
    expect(ports[0]!.handle(process, new Packet('v0'))).toBe(Packet.None);
    expect(ports[3]!.handle(process, new Packet('v3'))).toBe(Packet.None);
    const reply = ports[1]!.handle(process, new Packet('v1'));
    expect((reply as Packet).payload).toEqual({ merged: ['v0', 'v1', 'v2', 'v3'] });
    expect(out).toHaveLength(1);
  });

  it('keeps the sets of different processes apart, and queues a second packet on one port into the next set', async () => {
    const node = new MergeNode();
    const [a, b] = [node.in('in')!, node.in('in[1]')!];
    const one = new Process();
    const two = new Process();
    expect(a.handle(one, new Packet('1a'))).toBe(Packet.None);
    expect(a.handle(one, new Packet('1a2'))).toBe(Packet.None);
    expect(a.handle(two, new Packet('2a'))).toBe(Packet.None);
    expect((b.handle(two, new Packet('2b')) as Packet).payload).toEqual(['2a', '2b']);
    expect((b.handle(one, new Packet('1b')) as Packet).payload).toEqual(['1a', '1b']);
    expect((b.handle(one, new Packet('1b2')) as Packet).payload).toEqual(['1a2', '1b2']);
  });

  it('sends a set with an error to error', async () => {
    const node = new MergeNode();
    const [a, b] = [node.in('in[0]')!, node.in('in[1]')!];
    const caught = probe(node.out('error')!, () => 'handled');
    const process = new Process();
    a.handle(process, new Packet(new WeftError('ERR_THROWN_NOT_FOUND', { message: 'x' })));
    expect((b.handle(process, new Packet('ok')) as Packet).payload).toBe('handled');
    expect((caught[0]!.payload as WeftError).code).toBe('ERR_THROWN_NOT_FOUND');
  });

  it('with inputs, needs exactly in[0]…in[inputs-1] and has no other in-port', () => {
    const node = new MergeNode(3);
    expect(node.in('in[3]')).toBeUndefined();
    const process = new Process();
    node.in('in[0]')!.handle(process, new Packet(0));
    expect(node.in('in[1]')!.handle(process, new Packet(1))).toBe(Packet.None);
    expect((node.in('in[2]')!.handle(process, new Packet(2)) as Packet).payload).toEqual([0, 1, 2]);
    const scheme = new Scheme({ kinds: coreKinds });
    const problems = scheme.validate({ kind: 'merge', inputs: 0 });
    expect(problems.map((problem) => problem.path)).toEqual(['inputs']);
    expect(scheme.portsOf({ kind: 'merge', inputs: 2 })!.in).toEqual(['in[0]', 'in[1]', 'in']);
  });

  it('joins the branches of a split through wire (split out[N] → merge in[N])', async () => {
    const wired = await wire([
      { kind: 'split', name: 'spread', links: { 'out[0]': [{ name: 'join', port: 'in[0]' }], 'out[1]': [{ name: 'join', port: 'in[1]' }] } },
      { kind: 'merge', name: 'join', links: { out: [{ name: 'tag', port: 'in' }] } },
      { kind: 'snippet', name: 'tag', language: 'json', code: '"joined"' },
    ]);
    try {
      expect((await wired.send('spread', ['a', 'b'])).payload).toBe('joined');
    } finally {
      await wired.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Packet, Process, WeftError } from '../../../src/index.ts';
import { SplitNode } from '../../../codecs/control/split.ts';
import { wire } from '../../harness/wire.ts';
import { probe } from './test-kinds.ts';

const run = (node: SplitNode, payload: unknown) => node.in('in')!.handle(new Process(), new Packet(payload));

describe('split', () => {
  it('sends element i to out[i] and merges the replies in index order', async () => {
    const node = new SplitNode();
    const seen = [0, 1, 2].map((index) => probe(node.out(`out[${index}]`)!, (payload) => `${String(payload)}@${index}`));
    const reply = run(node, ['a', 'b', 'c']);
    expect((reply as Packet).payload).toEqual(['a@0', 'b@1', 'c@2']);
    expect(seen.map((calls) => calls.map((call) => call.payload))).toEqual([['a'], ['b'], ['c']]);
  });

  it('sends a value that is not a list to out[0] (out), whose reply is the reply', async () => {
    const node = new SplitNode();
    const first = probe(node.out('out')!, () => 'first');
    expect((await run(node, { a: 1 })).payload).toBe('first');
    expect(first.map((call) => call.payload)).toEqual([{ a: 1 }]);
  });

  it('answers an element with no linked port with the element itself; an empty list with itself', async () => {
    const node = new SplitNode();
    probe(node.out('out[0]')!, async () => 'zero');
    expect((await run(node, ['a', 'b'])).payload).toEqual(['zero', 'b']);
    expect((await run(node, [])).payload).toEqual([]);
  });

  it('sends an error payload to error', async () => {
    const node = new SplitNode();
    const caught = probe(node.out('error')!, () => 'handled');
    const other = probe(node.out('out[0]')!);
    expect((await run(node, new WeftError('ERR_THROWN_INTERNAL', { message: 'x' }))).payload).toBe('handled');
    expect(caught).toHaveLength(1);
    expect(other).toEqual([]);
  });

  it('fans out to wired nodes', async () => {
    const wired = await wire([
      { kind: 'split', name: 'spread', links: { 'out[0]': [{ name: 'a', port: 'in' }], 'out[1]': [{ name: 'b', port: 'in' }] } },
      { kind: 'snippet', name: 'a', language: 'text', code: 'A' },
      { kind: 'snippet', name: 'b', language: 'text', code: 'B' },
    ]);
    try {
      expect((await wired.send('spread', [1, 2])).payload).toEqual(['A', 'B']);
    } finally {
      await wired.close();
    }
  });
});

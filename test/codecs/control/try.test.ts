import { describe, expect, it } from 'vitest';
import { Packet, Process, WeftError } from '../../../src/index.ts';
import { TryNode } from '../../../codecs/control/try.ts';
import { wire } from '../../harness/wire.ts';
import { probe } from './test-kinds.ts';

const run = (node: TryNode, payload: unknown) => node.in('in')!.handle(new Process(), new Packet(payload));

describe('try', () => {
  it('routes an error reply of its body to error; the catch handler’s reply is the caller’s', async () => {
    const node = new TryNode();
    probe(node.out('out')!, () => new Packet(new WeftError('ERR_THROWN_NOT_FOUND', { message: 'gone' })));
    const caught = probe(node.out('error')!, (error) => ({ caught: (error as WeftError).code }));
    const reply = run(node, 'x');
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toEqual({ caught: 'ERR_THROWN_NOT_FOUND' });
    expect(caught).toHaveLength(1);
  });

  it('passes a reply that is not an error through, and leaves the catch alone', async () => {
    const node = new TryNode();
    probe(node.out('out')!, async (payload) => `${String(payload)}!`);
    const caught = probe(node.out('error')!);
    expect((await run(node, 'x')).payload).toBe('x!');
    expect(caught).toEqual([]);
  });

  it('keeps the error as the reply when nothing catches it', async () => {
    const node = new TryNode();
    probe(node.out('out')!, async () => new Packet(new WeftError('ERR_THROWN_INTERNAL', { message: 'x' })));
    expect(((await run(node, 'x')).payload as WeftError).code).toBe('ERR_THROWN_INTERNAL');
  });

  it('catches an error raised deep in its downstream (try → block[…, throw]) and answers with the catch', async () => {
    const wired = await wire([
      { kind: 'try', name: 'guard', links: { out: [{ name: 'work', port: 'in' }], error: [{ name: 'fallback', port: 'in' }] } },
      { kind: 'block', name: 'work', specs: [{ kind: 'snippet', language: 'text', code: 'bad input' }, { kind: 'throw', category: 'invalid argument' }] },
      { kind: 'snippet', name: 'fallback', language: 'yaml', code: 'status: 400\nbody: {error: caught}' },
    ]);
    try {
      expect((await wired.send('guard', 'x')).payload).toEqual({ status: 400, body: { error: 'caught' } });
    } finally {
      await wired.close();
    }
  });
});

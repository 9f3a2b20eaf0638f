import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { ForNode } from '../../../codecs/control/for.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { probe } from './test-kinds.ts';

const run = (node: ForNode, payload: unknown) => node.in('in')!.handle(new Process(), new Packet(payload));

describe('for / loop', () => {
  it('sends each element to out[0] in order and the list of replies to out[1], whose reply is the caller’s', async () => {
    const node = new ForNode();
    const body = probe(node.out('out[0]')!, (payload) => (payload as number) * 10);
    const done = probe(node.out('out[1]')!, (payload) => ({ total: (payload as number[]).reduce((a, b) => a + b, 0) }));
    const reply = run(node, [1, 2, 3]);
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toEqual({ total: 60 });
    expect(body.map((call) => call.payload)).toEqual([1, 2, 3]);
    expect(done.map((call) => call.payload)).toEqual([[10, 20, 30]]);
  });

  it('replies with the collected list when out[1] is unlinked; one element still gives a list', async () => {
    const node = new ForNode();
    probe(node.out('out')!, (payload) => `${String(payload)}!`);
    expect((await run(node, ['a', 'b'])).payload).toEqual(['a!', 'b!']);
    expect((await run(node, ['a'])).payload).toEqual(['a!']);
  });

  it('sends elements one at a time to an asynchronous body, keeping the order', async () => {
    const node = new ForNode();
    let inFlight = 0;
    let most = 0;
    probe(node.out('out[0]')!, async (payload) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 3 - (payload as number)));
      inFlight--;
      return payload;
    });
    const reply = run(node, [0, 1, 2, 3]);
    expect(reply).toBeInstanceOf(Promise);
    expect((await reply).payload).toEqual([0, 1, 2, 3]);
    expect(most).toBe(1);
  });

  it('gives an empty list to out[1] for an empty list, and skips None replies', async () => {
    const node = new ForNode();
    const body = probe(node.out('out[0]')!, (payload) => (payload === 'skip' ? Packet.None : payload));
    expect((await run(node, [])).payload).toEqual([]);
    expect(body).toEqual([]);
    expect((await run(node, ['a', 'skip', 'b'])).payload).toEqual(['a', 'b']);
  });

  it('stops at the first error reply and sends it to error', async () => {
    const node = new ForNode();
    const body = probe(node.out('out[0]')!, (payload) => (payload === 2 ? new Packet(new WeftError('ERR_THROWN_INTERNAL', { message: 'two' })) : payload));
    const done = probe(node.out('out[1]')!);
    expect(((await run(node, [1, 2, 3])).payload as WeftError).code).toBe('ERR_THROWN_INTERNAL');
    expect(body.map((call) => call.payload)).toEqual([1, 2]);
    const caught = probe(node.out('error')!, () => 'handled');
    expect((await run(node, [1, 2, 3])).payload).toBe('handled');
    expect((caught[0]!.payload as WeftError).message).toBe('two');
    expect(done).toEqual([]);
  });

  it('refuses a payload that is not a list with ERR_LOOP_INPUT, and passes an error payload to error', async () => {
    const node = new ForNode();
    const body = probe(node.out('out[0]')!);
    for (const payload of [{ a: 1 }, 'abc', 3, null]) {
      expect(((await run(node, payload)).payload as WeftError).code).toBe('ERR_LOOP_INPUT');
    }
    const error = new WeftError('ERR_THROWN_NOT_FOUND', { message: 'x' });
    expect((await run(node, error)).payload).toBe(error);
    expect(body).toEqual([]);
  });

  it('wires under both names with core kinds', async () => {
    for (const kind of ['for', 'loop']) {
      const wired = await wire([
        { kind, name: 'each', links: { out: [{ name: 'body', port: 'in' }] } },
        { kind: 'snippet', name: 'body', language: 'text', code: 'done' },
      ]);
      try {
        expect((await wired.send('each', [1, 2])).payload).toEqual(['done', 'done']);
        expect(((await wired.send('each', 'nope')).payload as WeftError).code).toBe('ERR_LOOP_INPUT');
      } finally {
        await wired.close();
      }
    }
  });

  it('declares out[0], out[1] and error only', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const link = (port: string) => ({ kind: 'for', links: { [port]: [{ name: 'a', port: 'in' }] } });
    for (const port of ['out', 'out[0]', 'out[1]', 'error']) expect(scheme.validate(link(port))).toEqual([]);
    expect(scheme.validate(link('out[2]')).map((problem) => problem.code)).toEqual(['ERR_PORT_UNKNOWN']);
  });
});

import { describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError, type Node, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { appendKind, contextWith, laterKind, lifecycleKind, probe } from './test-kinds.ts';

const context = contextWith(appendKind, laterKind);
const compile = (specs: Spec[], extra: Partial<Spec> = {}): Promise<Node> => context.compile({ kind: 'block', specs, ...extra });
const step = (suffix: string): Spec => ({ kind: 'append', suffix });

/** The WeftError a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof WeftError) return thrown;
    throw thrown;
  }
  throw new Error('expected a rejection');
}

describe('block', () => {
  it('runs its steps in order, each output the next input, and replies with the last output', async () => {
    const block = await compile([step('a'), step('b'), step('c')]);
    const reply = block.in('in')!.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Packet); // synchronous steps keep the block synchronous
    expect((reply as Packet).payload).toBe('xabc');
    await block.close();
  });

  it('awaits an asynchronous step and goes on with the next one', async () => {
    const block = await compile([step('a'), { kind: 'later', suffix: 'b', ms: 5 }, step('c')]);
    const reply = block.in('in')!.handle(new Process(), new Packet('x'));
    expect(reply).toBeInstanceOf(Promise);
    expect((await reply).payload).toBe('xabc');
    await block.close();
  });

  it('sends the last output to a linked out, whose reply is the block’s', async () => {
    const block = await compile([step('a')]);
    const seen = probe(block.out('out')!, (payload) => `${String(payload)}-downstream`);
    expect((await block.in('in')!.handle(new Process(), new Packet('x'))).payload).toBe('xa-downstream');
    expect(seen.map((call) => call.payload)).toEqual(['xa']);
    await block.close();
  });

  it('replies with an unhandled step error and skips the later steps', async () => {
    const log: string[] = [];
    const withLog = contextWith(appendKind, lifecycleKind(log));
    const block = await withLog.compile({
      kind: 'block',
      specs: [{ kind: 'lifecycle', tag: 'first' }, { kind: 'throw', category: 'not found' }, { kind: 'lifecycle', tag: 'after' }],
    });
    const reply = await block.in('in')!.handle(new Process(), new Packet('x'));
    expect((reply.payload as WeftError).code).toBe('ERR_THROWN_NOT_FOUND');
    expect(log).toEqual(['packet:first']);
    await block.close();
  });

  it('sends a step error to its linked error port, whose reply becomes the block’s reply', async () => {
    const block = await compile([step('a'), { kind: 'throw', category: 'unavailable' }, step('never')]);
    const caught = probe(block.out('error')!, () => ({ recovered: true }));
    const after = probe(block.out('out')!);
    expect((await block.in('in')!.handle(new Process(), new Packet('x'))).payload).toEqual({ recovered: true });
    expect((caught[0]!.payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    expect((caught[0]!.payload as WeftError).message).toBe('xa');
    expect(after).toEqual([]);
    await block.close();
  });

  it('runs the seed’s block shape (constant step then a consumer) through wire with core kinds', async () => {
    const wired = await wire([
      { kind: 'block', name: 'steps', specs: [{ kind: 'snippet', language: 'json', code: '{"n": 1}' }, { kind: 'split' }] },
    ]);
    try {
      expect((await wired.send('steps', 'ignored')).payload).toEqual({ n: 1 });
    } finally {
      await wired.close();
    }
  });

  it('activates its steps last-to-first, deactivates them first-to-last and closes them all', async () => {
    const log: string[] = [];
    const withLog = contextWith(lifecycleKind(log));
    const block = await withLog.compile({ kind: 'block', specs: [1, 2, 3].map((tag) => ({ kind: 'lifecycle', tag: String(tag) })) });
    await block.activate?.();
    await block.deactivate?.();
    await block.close();
    expect(log).toEqual(['activate:3', 'activate:2', 'activate:1', 'deactivate:1', 'deactivate:2', 'deactivate:3', 'close:1', 'close:2', 'close:3']);
    expect((await block.in('in')!.handle(new Process(), new Packet('x'))).payload).toMatchObject({ code: 'ERR_NODE_CLOSED' });
  });

  it('reports step problems with their paths when the block spec is validated', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const problems = scheme.validate({
      kind: 'block',
      specs: [
        { kind: 'snippet', language: 'text' },
        { kind: 'nope' },
        { kind: 'block', specs: [{ kind: 'sleep' }] },
        { kind: 'nop', links: { out: [{ name: 'x', port: 'in' }] } },
      ],
    });
    const at = (path: string) => problems.filter((problem) => problem.path === path).map((problem) => problem.code);
    expect(at('specs[0].code')).toEqual(['ERR_SPEC_INVALID']);
    expect(at('specs[1].kind')).toEqual(['ERR_KIND_UNKNOWN']);
    expect(at('specs[2].specs[0].duration')).toEqual(['ERR_SPEC_INVALID']);
    expect(at('specs[3].links')).toContain('ERR_SPEC_INVALID');
    expect(at('specs[3].links.out')).toEqual(['ERR_PORT_UNKNOWN']);
    expect(scheme.validate({ kind: 'block', specs: [] }).map((problem) => problem.path)).toEqual(['specs']);
  });

  it('refuses to compile a block with a bad step as ERR_SPEC_INVALID at the step’s path', async () => {
    const error = await rejection(compile([{ kind: 'nope' }]));
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.details).toEqual([expect.objectContaining({ path: 'specs[0].kind', code: 'ERR_KIND_UNKNOWN' })]);
  });

  it('reports a step whose codec fails at specs[N], with the cause, and closes the steps built so far', async () => {
    const log: string[] = [];
    const withLog = contextWith(lifecycleKind(log));
    const promise = withLog.compile({
      kind: 'block',
      specs: [{ kind: 'lifecycle', tag: 'built' }, { kind: 'snippet', language: 'json', code: '{not json' }],
    });
    const error = await rejection(promise);
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.details).toEqual([expect.objectContaining({ path: 'specs[1]', code: 'ERR_SNIPPET_COMPILE' })]);
    expect((error.cause as WeftError).code).toBe('ERR_SNIPPET_COMPILE');
    expect(log).toEqual(['close:built']);
  });

  it('refuses steps that cannot be chained (a step without out before another)', async () => {
    const error = await rejection(compile([{ kind: 'nop' }, step('a')]));
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.details).toEqual([expect.objectContaining({ path: 'specs[1]' })]);
  });

  it('ends with a sink step: the reply is the sink’s (None)', async () => {
    const block = await compile([step('a'), { kind: 'nop' }]);
    expect(block.in('in')!.handle(new Process(), new Packet('x'))).toBe(Packet.None);
    await block.close();
  });
});

import { describe, expect, it } from 'vitest';
import {
  createCodecContext, LanguageRegistry, Packet, Process, Scheme, WeftError,
  errorChain, type Language, type Node, type Spec,
} from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { testContext, wire, type Wired } from '../../harness/wire.ts';

/** An if whose out[0] and out[1] reply which branch got the packet, and the packet itself. */
function branches(when: string, extra: Partial<Spec> = {}): Spec[] {
  return [
    {
      kind: 'if', name: 'check', when, ...extra,
      links: { out: [{ name: 'yes', port: 'in' }], 'out[1]': [{ name: 'no', port: 'in' }] },
    },
    { kind: 'snippet', name: 'yes', language: 'cel', code: '{"branch": "yes", "input": self}' },
    { kind: 'snippet', name: 'no', language: 'cel', code: '{"branch": "no", "input": self}' },
  ];
}

async function withWired<T>(specs: Spec[], use: (wired: Wired) => Promise<T>): Promise<T> {
  const wired = await wire(specs);
  try {
    return await use(wired);
  } finally {
    await wired.close();
  }
}

async function failure(specs: Spec[]): Promise<WeftError> {
  try {
    await (await wire(specs)).close();
  } catch (error) {
    return error as WeftError;
  }
  throw new Error('the specs compiled');
}

describe('if', () => {
  it('sends the original packet to out[0] when true and to out[1] when false', async () => {
    await withWired(branches('self.age >= 18'), async (wired) => {
      expect((await wired.send('check', { age: 30 })).payload).toEqual({ branch: 'yes', input: { age: 30 } });
      expect((await wired.send('check', { age: 12 })).payload).toEqual({ branch: 'no', input: { age: 12 } });
    });
  });

  it('replies with the packet itself when the taken branch is unlinked', async () => {
    await withWired([{ kind: 'if', name: 'check', when: 'self > 1' }], async (wired) => {
      const packet = new Packet(5);
      expect(wired.node('check').in('in')!.handle(new Process(), packet)).toBe(packet);
      expect((await wired.send('check', 0)).payload).toBe(0);
    });
  });

  it('stays synchronous with a CEL condition and synchronous targets', async () => {
    await withWired(branches('true'), async (wired) => {
      const reply = wired.node('check').in('in')!.handle(new Process(), new Packet(1));
      expect(reply).toBeInstanceOf(Packet);
    });
  });

  it('routes error payloads by category, code or message (self == "…")', async () => {
    await withWired(branches('self == "not found"'), async (wired) => {
      const missing = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 'x' });
      expect((await wired.send('check', missing)).payload).toEqual({ branch: 'yes', input: missing });
      const other = new WeftError('ERR_INTERNAL', { reason: 'x' });
      expect((await wired.send('check', other)).payload).toEqual({ branch: 'no', input: other });
    });
  });

  it('sends a failing condition to error as ERR_SNIPPET_RUNTIME, where a linked handler answers', async () => {
    await withWired(branches('self.missing > 1'), async (wired) => {
      expect(((await wired.send('check', {})).payload as WeftError).code).toBe('ERR_SNIPPET_RUNTIME');
    });
    const specs = branches('self.missing > 1');
    specs[0] = { ...specs[0]!, links: { ...specs[0]!.links, error: [{ name: 'handler', port: 'in' }] } };
    specs.push({ kind: 'snippet', name: 'handler', language: 'cel', code: '{"handled": self.code}' });
    await withWired(specs, async (wired) => {
      expect((await wired.send('check', {})).payload).toEqual({ handled: 'ERR_SNIPPET_RUNTIME' });
    });
  });

  it('refuses a condition that gives no boolean with ERR_CONDITION_NOT_BOOL (no truthiness)', async () => {
    await withWired(branches('self.name'), async (wired) => {
      const error = (await wired.send('check', { name: 'ada' })).payload as WeftError;
      expect(error.code).toBe('ERR_CONDITION_NOT_BOOL');
      expect(error.params).toEqual({ field: 'when', type: 'string' });
    });
  });

  it('takes the condition language from language (default cel)', async () => {
    await withWired(branches('false', { language: 'json' }), async (wired) => {
      expect((await wired.send('check', 1)).payload).toMatchObject({ branch: 'no' });
    });
  });

  it('waits for a language that answers with a promise', async () => {
    const later: Language = { name: 'later', compile: (code) => ({ run: async (input) => code === 'positive' && (input as number) > 0 }) };
    const context = testContext({ languages: new LanguageRegistry([later]) });
    const node = await context.compile({ kind: 'if', name: 'check', language: 'later', when: 'positive' });
    const reply = node.in('in')!.handle(new Process(), new Packet(3));
    expect(reply).toBeInstanceOf(Promise);
    expect((await reply).payload).toBe(3);
  });

  it('fails to load when the condition does not compile, naming the field', async () => {
    const error = await failure(branches('self.age >='));
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.details).toEqual([expect.objectContaining({ path: 'when', code: 'ERR_SNIPPET_COMPILE' })]);
    expect(errorChain(error).some((entry) => (entry as WeftError).code === 'ERR_SNIPPET_COMPILE')).toBe(true);
    const unknown = await failure(branches('x', { language: 'cobol' }));
    expect(unknown.details).toEqual([expect.objectContaining({ path: 'when', code: 'ERR_LANGUAGE_UNKNOWN' })]);
  });

  it('refuses a missing or empty when and links from ports an if lacks', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    expect(scheme.validate({ kind: 'if' })).toEqual([expect.objectContaining({ path: 'when', code: 'ERR_SPEC_INVALID' })]);
    expect(scheme.validate({ kind: 'if', when: '' })).toEqual([expect.objectContaining({ path: 'when' })]);
    const links = { out: [{ name: 'a', port: 'in' }], 'out[1]': [{ name: 'b', port: 'in' }], error: [{ name: 'c', port: 'in' }] };
    expect(scheme.validate({ kind: 'if', when: 'true', links })).toEqual([]);
    expect(scheme.validate({ kind: 'if', when: 'true', links: { 'out[2]': [{ name: 'a', port: 'in' }] } })).toEqual([
      expect.objectContaining({ path: 'links.out[2]', code: 'ERR_PORT_UNKNOWN' }),
    ]);
  });

  it('has out, out[0], out[1] and error, and closes its program when closed', async () => {
    let closed = 0;
    const counting: Language = { name: 'c', compile: () => ({ run: () => true, close: () => void closed++ }) };
    const context = createCodecContext({ scheme: new Scheme({ kinds: coreKinds }), languages: new LanguageRegistry([counting]) });
    const node: Node = await context.compile({ kind: 'if', when: 'x', language: 'c' });
    expect(node.out('out')).toBe(node.out('out[0]'));
    expect(node.out('out[1]')).toBeDefined();
    expect(node.out('out[2]')).toBeUndefined();
    expect(node.out('error')).toBeDefined();
    await node.close();
    expect(closed).toBe(1);
    expect(((await node.in('in')!.handle(new Process(), new Packet(1))).payload as WeftError).code).toBe('ERR_NODE_CLOSED');
  });
});

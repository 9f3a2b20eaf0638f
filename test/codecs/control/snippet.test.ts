import { describe, expect, it } from 'vitest';
import { LanguageRegistry, Packet, Process, WeftError, type Language, type OneToOneNode } from '../../../src/index.ts';
import { definition } from '../../../codecs/control/snippet.ts';
import { testContext, wire } from '../../harness/wire.ts';

/** A test language whose code names what the program does with its input. */
const echoLanguage: Language = {
  name: 'echo',
  compile(code, options) {
    return {
      run(input) {
        if (code === 'throw') throw new Error('boom');
        if (code === 'weft-throw') throw new WeftError('ERR_NODE_CLOSED', { node: 'x' });
        if (code === 'async') return Promise.resolve({ input });
        if (code === 'reject') return Promise.reject(new Error('later boom'));
        if (code === 'undefined') return undefined;
        if (code === 'timeout') return options?.timeoutMs ?? 'none';
        return input;
      },
    };
  },
};

async function snippet(code: string, extra: Record<string, unknown> = {}): Promise<OneToOneNode> {
  const context = { ...testContext(), languages: new LanguageRegistry([echoLanguage]) };
  return (await definition.codec({ kind: 'snippet', language: 'echo', code, ...extra }, context)) as OneToOneNode;
}

async function run(node: OneToOneNode, payload: unknown): Promise<Packet> {
  return await node.in('in')!.handle(new Process(), new Packet(payload));
}

describe('snippet', () => {
  it('replies with the program result (a snippet returning its input echoes the payload)', async () => {
    expect((await run(await snippet('echo'), { a: 1 })).payload).toEqual({ a: 1 });
  });

  it('awaits an async result', async () => {
    expect((await run(await snippet('async'), 'x')).payload).toEqual({ input: 'x' });
  });

  it('turns undefined into null', async () => {
    const reply = await run(await snippet('undefined'), 'x');
    expect(reply.payload).toBeNull();
    expect(reply.isNone).toBe(false);
  });

  it('turns a throw or a rejection into ERR_SNIPPET_RUNTIME on error', async () => {
    for (const code of ['throw', 'reject']) {
      const reply = await run(await snippet(code), 'x');
      expect(reply.payload).toBeInstanceOf(WeftError);
      expect((reply.payload as WeftError).code).toBe('ERR_SNIPPET_RUNTIME');
    }
  });

  it('keeps a WeftError the language raised', async () => {
    expect(((await run(await snippet('weft-throw'), 'x')).payload as WeftError).code).toBe('ERR_NODE_CLOSED');
  });

  it('sends the error to a linked error port, whose reply stands', async () => {
    const node = await snippet('throw');
    const handler = await snippet('echo');
    node.out('error')!.link(handler.in('in')!);
    const reply = await run(node, 'x');
    expect((reply.payload as WeftError).code).toBe('ERR_SNIPPET_RUNTIME');
    const recovered = await snippet('async');
    node.out('error')!.unlink(handler.in('in')!);
    node.out('error')!.link(recovered.in('in')!);
    expect(((await run(node, 'x')).payload as { input: WeftError }).input.code).toBe('ERR_SNIPPET_RUNTIME');
  });

  it('passes the timeout to compile in milliseconds', async () => {
    expect((await run(await snippet('timeout', { timeout: '1m30s' }), null)).payload).toBe(90_000);
    expect((await run(await snippet('timeout', { timeout: '250ms' }), null)).payload).toBe(250);
    expect((await run(await snippet('timeout', { timeout: 40 }), null)).payload).toBe(40);
    expect((await run(await snippet('timeout'), null)).payload).toBe('none');
  });

  it('runs the built-in languages through a wired spec', async () => {
    const wired = await wire([
      { kind: 'snippet', name: 'hello', language: 'text', code: 'pong' },
      { kind: 'snippet', name: 'constant', language: 'yaml', code: 'a: [1, 2]' },
    ]);
    try {
      expect((await wired.send('hello', { any: 1 })).payload).toBe('pong');
      expect((await wired.send('constant', null)).payload).toEqual({ a: [1, 2] });
    } finally {
      await wired.close();
    }
  });

  it('fails to compile with ERR_LANGUAGE_UNKNOWN or ERR_SNIPPET_COMPILE', async () => {
    await expect(wire([{ kind: 'snippet', name: 's', language: 'cobol', code: 'x' }])).rejects.toMatchObject({ code: 'ERR_LANGUAGE_UNKNOWN' });
    await expect(wire([{ kind: 'snippet', name: 's', language: 'json', code: '{' }])).rejects.toMatchObject({ code: 'ERR_SNIPPET_COMPILE' });
  });

  it('refuses a spec without code or with a bad timeout (ERR_SPEC_INVALID)', async () => {
    await expect(wire([{ kind: 'snippet', name: 's', language: 'text' }])).rejects.toMatchObject({ code: 'ERR_SPEC_INVALID' });
    await expect(wire([{ kind: 'snippet', name: 's', language: 'text', code: '', timeout: 'soon' }])).rejects.toMatchObject({ code: 'ERR_SPEC_INVALID' });
  });

  it('closes its program when closed', async () => {
    let closed = 0;
    const context = { ...testContext(), languages: new LanguageRegistry([{ name: 'c', compile: () => ({ run: () => 1, close: () => void closed++ }) }]) };
    const node = await definition.codec({ kind: 'snippet', language: 'c', code: '' }, context);
    await node.close();
    expect(closed).toBe(1);
    expect(((await run(node as OneToOneNode, 1)).payload as WeftError).code).toBe('ERR_NODE_CLOSED');
  });
});

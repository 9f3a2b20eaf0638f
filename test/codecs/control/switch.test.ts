import { describe, expect, it } from 'vitest';
import { InPort, LanguageRegistry, Packet, Process, Scheme, WeftError, type Language, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { testContext, wire, type Wired } from '../../harness/wire.ts';

/** A snippet that replies which case got the packet, and the packet. */
const target = (name: string): Spec => ({ kind: 'snippet', name, language: 'cel', code: `{"case": "${name}", "input": self}` });

function cases(matches: { when: string; port: string }[], field: 'matches' | 'match' = 'matches', ports = ['out[0]', 'out[1]', 'out[2]']): Spec[] {
  const links = Object.fromEntries(ports.map((port) => [port, [{ name: port.replace(/\W/g, ''), port: 'in' }]]));
  return [{ kind: 'switch', name: 'switch', [field]: matches, links }, ...ports.map((port) => target(port.replace(/\W/g, '')))];
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

const scheme = new Scheme({ kinds: coreKinds });

describe('switch', () => {
  it('sends the original packet to the port of the first true condition', async () => {
    const specs = cases([
      { when: 'self.n < 0', port: 'out[2]' },
      { when: 'self.n < 10', port: 'out[0]' },
      { when: 'self.n < 100', port: 'out[1]' },
    ]);
    await withWired(specs, async (wired) => {
      expect((await wired.send('switch', { n: -1 })).payload).toEqual({ case: 'out2', input: { n: -1 } });
      expect((await wired.send('switch', { n: 5 })).payload).toEqual({ case: 'out0', input: { n: 5 } });
      expect((await wired.send('switch', { n: 50 })).payload).toEqual({ case: 'out1', input: { n: 50 } });
    });
  });

  it('replies with the packet itself when no condition is true', async () => {
    await withWired(cases([{ when: 'self == 1', port: 'out[0]' }]), async (wired) => {
      const packet = new Packet(7);
      expect(wired.node('switch').in('in')!.handle(new Process(), packet)).toBe(packet);
    });
  });

  it('accepts the older field name match, as in the seed admin workflow', async () => {
    const specs = cases([{ when: 'self == "invalid argument"', port: 'out[0]' }, { when: 'true', port: 'out[1]' }], 'match');
    await withWired(specs, async (wired) => {
      const invalid = new WeftError('ERR_SPEC_INVALID', { spec: 's', problems: 'p' });
      expect((await wired.send('switch', invalid)).payload).toEqual({ case: 'out0', input: invalid });
      const internal = new WeftError('ERR_INTERNAL', { reason: 'r' });
      expect((await wired.send('switch', internal)).payload).toEqual({ case: 'out1', input: internal });
    });
  });

  it('serves a port index beyond the number of cases (uniflow crashed) and out as out[0]', async () => {
    await withWired(cases([{ when: 'self', port: 'out[2]' }, { when: '!self', port: 'out' }]), async (wired) => {
      expect((await wired.send('switch', true)).payload).toEqual({ case: 'out2', input: true });
      expect((await wired.send('switch', false)).payload).toEqual({ case: 'out0', input: false });
    });
  });

  it('stops at a failing condition and sends its error to error', async () => {
    await withWired(cases([{ when: 'self.a == 1', port: 'out[0]' }, { when: 'true', port: 'out[1]' }]), async (wired) => {
      expect(((await wired.send('switch', {})).payload as WeftError).code).toBe('ERR_SNIPPET_RUNTIME');
    });
    await withWired(cases([{ when: 'self.a', port: 'out[0]' }]), async (wired) => {
      const error = (await wired.send('switch', { a: [1] })).payload as WeftError;
      expect(error).toMatchObject({ code: 'ERR_CONDITION_NOT_BOOL', params: { field: 'matches[0].when', type: 'a list' } });
    });
  });

  it('tries later conditions after one that answers asynchronously', async () => {
    const later: Language = { name: 'later', compile: (code) => ({ run: async (input) => input === Number(code) }) };
    const context = testContext({ languages: new LanguageRegistry([later]) });
    const node = await context.compile({
      kind: 'switch', language: 'later',
      matches: [{ when: '1', port: 'out[0]' }, { when: '2', port: 'out[1]' }],
    });
    node.out('out[1]')!.link(new InPort('in', () => new Packet('second')));
    expect((await node.in('in')!.handle(new Process(), new Packet(2))).payload).toBe('second');
    expect((await node.in('in')!.handle(new Process(), new Packet(3))).payload).toBe(3);
  });

  it('fails to load when conditions do not compile, naming every bad field', async () => {
    const error = await failure(cases([{ when: 'true', port: 'out[0]' }, { when: 'self +', port: 'out[1]' }, { when: 'nobody', port: 'out[2]' }], 'match'));
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.details).toEqual([
      expect.objectContaining({ path: 'match[1].when', code: 'ERR_SNIPPET_COMPILE' }),
      expect.objectContaining({ path: 'match[2].when', code: 'ERR_SNIPPET_COMPILE' }),
    ]);
  });

  it('requires exactly one of matches and match, naming the field', async () => {
    const one = [{ when: 'true', port: 'out[0]' }];
    expect(scheme.validate({ kind: 'switch', matches: one })).toEqual([]);
    expect(scheme.validate({ kind: 'switch', match: one })).toEqual([]);
    expect(scheme.validate({ kind: 'switch', matches: one, match: one })).toEqual([expect.objectContaining({ path: 'matches', code: 'ERR_SPEC_INVALID' })]);
    expect(scheme.validate({ kind: 'switch' })).toEqual([expect.objectContaining({ path: 'matches', code: 'ERR_SPEC_INVALID' })]);
    expect((await failure([{ kind: 'switch', name: 's', matches: one, match: one }])).details).toEqual([expect.objectContaining({ path: 'matches' })]);
  });

  it('refuses a port that is not a well-formed out[N], and an empty or malformed case', () => {
    for (const port of ['in', 'out[x]', 'error', 'out[1', 'out[-1]']) {
      expect(scheme.validate({ kind: 'switch', matches: [{ when: 'true', port }] }), port).toEqual([
        expect.objectContaining({ path: 'matches[0].port', code: 'ERR_SPEC_INVALID' }),
      ]);
    }
    expect(scheme.validate({ kind: 'switch', matches: [] })).toEqual([expect.objectContaining({ path: 'matches' })]);
    expect(scheme.validate({ kind: 'switch', matches: [{ port: 'out[0]' }] })).toEqual([expect.objectContaining({ path: 'matches[0].when' })]);
    expect(scheme.validate({ kind: 'switch', matches: [{ when: 'true', port: 'out', extra: 1 }] })).toHaveLength(1);
  });
});

import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  createCodecContext, createDefaultLanguages, declaresPort, defineKind, OneToManyNode, OneToOneNode, Packet, ProcessGroup, Scheme,
  WeftError, type CodecContext, type Problem, type Spec,
} from '../../../src/index.ts';

const echo = defineKind({
  kind: 'echo',
  description: 'replies with its input plus a suffix',
  schema: Type.Object({ suffix: Type.Optional(Type.String()) }),
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (spec) => new OneToOneNode((_process, packet) => new Packet(`${String(packet.payload)}${spec.suffix ?? ''}`)),
});

const router = defineKind({
  kind: 'router',
  description: 'routes to out[N] by method',
  schema: Type.Object({
    routes: Type.Array(Type.Object({ method: Type.String(), port: Type.String({ pattern: '^out\\[\\d+\\]$' }) })),
  }),
  ports: { in: ['in'], out: ['out[]', 'error'] },
  codec: () => new OneToManyNode((_process, packet) => [packet]),
});

/** A kind whose out-ports depend on its spec: one per listed branch. */
const branches = defineKind({
  kind: 'branches',
  description: 'one out-port per branch name',
  schema: Type.Object({ names: Type.Array(Type.String()) }),
  ports: (spec) => ({ in: ['in'], out: (spec.names as string[]).map((name) => name) }),
  codec: () => new OneToOneNode((_process, packet) => packet),
});

const scheme = (): Scheme => new Scheme({ kinds: [echo, router, branches] });
/** The distinct paths of the problems (TypeBox may report one field twice: missing, then wrong type). */
const paths = (problems: readonly Problem[]): string[] => [...new Set(problems.map((problem) => problem.path))];
const context = (): CodecContext => createCodecContext({ scheme: scheme(), languages: createDefaultLanguages() });

function thrown(run: () => unknown): WeftError {
  try {
    run();
  } catch (error) {
    if (error instanceof WeftError) return error;
    throw error;
  }
  throw new Error('expected a WeftError');
}

describe('Scheme', () => {
  it('lists the kinds it was built with, each with its definition', () => {
    const built = scheme();
    expect(built.kinds).toEqual(['echo', 'router', 'branches']);
    expect(built.definition('echo')).toBe(echo);
    expect(built.definition('nope')).toBeUndefined();
  });

  it('finds nothing wrong with a valid spec', () => {
    expect(scheme().validate({ kind: 'echo', name: 'a', suffix: '!', links: { out: [{ name: 'b', port: 'in' }] } })).toEqual([]);
  });

  it('reports every problem with its dotted path', () => {
    const problems = scheme().validate({ kind: 'router', routes: [{ method: 'GET', port: 'x' }, { port: 'out[1]' }] });
    expect(paths(problems).sort()).toEqual(['routes[0].port', 'routes[1].method']);
    expect(problems.every((problem) => problem.code === 'ERR_SPEC_INVALID')).toBe(true);
  });

  it('reports one problem per field, even when the validator finds several', () => {
    const problems = scheme().validate({ kind: 'router', name: 'r' } as Spec);
    expect(problems).toEqual([expect.objectContaining({ path: 'routes', code: 'ERR_SPEC_INVALID' })]);
  });

  it('rejects a field the kind does not declare', () => {
    const problems = scheme().validate({ kind: 'echo', sufix: '!' });
    expect(problems).toEqual([expect.objectContaining({ path: 'sufix', code: 'ERR_SPEC_INVALID' })]);
  });

  it('checks the common fields too', () => {
    const problems = scheme().validate({ kind: 'echo', name: 'bad name', id: 'not-a-uuid', links: { out: [{ name: 'b' }] } } as unknown as Spec);
    expect(paths(problems)).toEqual(expect.arrayContaining(['name', 'id', 'links.out[0].port']));
  });

  it('reports an unknown kind as ERR_KIND_UNKNOWN naming the known ones', () => {
    const problems = scheme().validate({ kind: 'echoo' });
    expect(problems).toEqual([expect.objectContaining({ path: 'kind', code: 'ERR_KIND_UNKNOWN' })]);
    expect(problems[0]!.message).toContain('echo, router, branches');
  });

  it('reports a missing kind and a spec that is not an object', () => {
    expect(scheme().validate({} as Spec)).toEqual([expect.objectContaining({ path: 'kind', code: 'ERR_SPEC_INVALID' })]);
    expect(scheme().validate([] as unknown as Spec)).toEqual([expect.objectContaining({ path: '', code: 'ERR_SPEC_INVALID' })]);
  });

  it('reports a link from an out-port the kind does not declare as ERR_PORT_UNKNOWN', () => {
    const problems = scheme().validate({ kind: 'echo', links: { outt: [{ name: 'b', port: 'in' }], 'out[0]': [{ name: 'b', port: 'in' }] } });
    expect(problems).toEqual([
      expect.objectContaining({ path: 'links.outt', code: 'ERR_PORT_UNKNOWN' }),
      expect.objectContaining({ path: 'links.out[0]', code: 'ERR_PORT_UNKNOWN' }),
    ]);
  });

  it('accepts the bare name and any index for an indexed family', () => {
    const spec = (outName: string): Spec => ({ kind: 'router', routes: [], links: { [outName]: [{ name: 'b', port: 'in' }] } });
    expect(scheme().validate(spec('out'))).toEqual([]);
    expect(scheme().validate(spec('out[0]'))).toEqual([]);
    expect(scheme().validate(spec('out[3]'))).toEqual([]);
    expect(scheme().validate(spec('out[x]'))).toEqual([expect.objectContaining({ code: 'ERR_PORT_UNKNOWN' })]);
    expect(scheme().validate(spec('outs[1]'))).toEqual([expect.objectContaining({ code: 'ERR_PORT_UNKNOWN' })]);
  });

  it('asks a port declaration computed from the spec', () => {
    const spec = (outName: string): Spec => ({ kind: 'branches', names: ['yes', 'no'], links: { [outName]: [{ name: 'b', port: 'in' }] } });
    expect(scheme().validate(spec('yes'))).toEqual([]);
    expect(scheme().validate(spec('maybe'))).toEqual([expect.objectContaining({ path: 'links.maybe', code: 'ERR_PORT_UNKNOWN' })]);
    expect(scheme().portsOf({ kind: 'branches', names: ['a'] })).toEqual({ in: ['in'], out: ['a'] });
    expect(scheme().portsOf({ kind: 'nope' })).toBeUndefined();
  });

  it('reports a link target without name or id and a malformed target port', () => {
    const problems = scheme().validate({ kind: 'echo', links: { out: [{ port: 'in' }, { name: 'b', port: 'in[' }] } });
    expect(problems).toEqual([
      expect.objectContaining({ path: 'links.out[0]', code: 'ERR_SPEC_INVALID' }),
      expect.objectContaining({ path: 'links.out[1].port', code: 'ERR_PORT_NAME_INVALID' }),
    ]);
  });

  it('reports field problems and link problems together', () => {
    const problems = scheme().validate({ kind: 'echo', suffix: 1, links: { outt: [{ name: 'b', port: 'in' }] } });
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'suffix', code: 'ERR_SPEC_INVALID' }),
      expect.objectContaining({ path: 'links.outt', code: 'ERR_PORT_UNKNOWN' }),
    ]));
  });

  it('does not ask a computed port declaration about a spec with bad fields', () => {
    const problems = scheme().validate({ kind: 'branches', links: { yes: [{ name: 'b', port: 'in' }] } });
    expect(paths(problems)).toEqual(['names']);
  });

  it('assertValid throws ERR_SPEC_INVALID whose details list every problem', () => {
    const error = thrown(() => scheme().assertValid({ kind: 'router', name: 'r', routes: [{ method: 1, port: 'x' }] } as unknown as Spec));
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.category).toBe('invalid argument');
    expect(paths(error.details as Problem[]).sort()).toEqual(['routes[0].method', 'routes[0].port']);
    expect(error.message).toContain('default/r');
    expect(error.message).toContain('routes[0].port');
  });

  it('assertValid throws ERR_KIND_UNKNOWN for an unknown kind', () => {
    const error = thrown(() => scheme().assertValid({ kind: 'nope', name: 'x' }));
    expect(error.code).toBe('ERR_KIND_UNKNOWN');
    expect(error.details).toEqual([expect.objectContaining({ path: 'kind' })]);
  });

  it('assertValid returns quietly for a valid spec', () => {
    expect(() => scheme().assertValid({ kind: 'echo' })).not.toThrow();
  });

  it('compile builds a node through the codec', async () => {
    const node = await scheme().compile({ kind: 'echo', suffix: '!' }, context());
    expect((node.in('in')!.handle(new ProcessGroup().spawn(), new Packet('hi')) as Packet).payload).toBe('hi!');
  });

  it('compile refuses an invalid spec before calling the codec', async () => {
    let called = false;
    const guarded = new Scheme({
      kinds: [defineKind({ ...echo, codec: () => ((called = true), new OneToOneNode((_p, packet) => packet)) })],
    });
    await expect(guarded.compile({ kind: 'echo', extra: 1 }, context())).rejects.toMatchObject({ code: 'ERR_SPEC_INVALID' });
    expect(called).toBe(false);
  });
});

describe('declaresPort', () => {
  it('matches plain names exactly and indexed families by base', () => {
    expect(declaresPort(['in', 'out'], 'out')).toBe(true);
    expect(declaresPort(['in', 'out'], 'out[0]')).toBe(false);
    expect(declaresPort(['out[]'], 'out')).toBe(true);
    expect(declaresPort(['out[]'], 'out[7]')).toBe(true);
    expect(declaresPort([], 'in')).toBe(false);
  });
});

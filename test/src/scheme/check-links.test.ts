import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { checkLinkTargets, defineKind, ManyToOneNode, OneToOneNode, Packet, Scheme, type Spec } from '../../../src/index.ts';

const scheme = new Scheme({
  kinds: [
    defineKind({
      kind: 'echo',
      description: 'in → out',
      schema: Type.Object({}),
      ports: { in: ['in'], out: ['out', 'error'] },
      codec: () => new OneToOneNode((_process, packet) => packet),
    }),
    defineKind({
      kind: 'join',
      description: 'in[N] → out',
      schema: Type.Object({}),
      ports: { in: ['in[]'], out: ['out', 'error'] },
      codec: () => new ManyToOneNode({ inputs: 2, action: (_process, packets) => new Packet(packets.length) }),
    }),
  ],
});

const spec = (fields: Partial<Spec>): Spec => ({ kind: 'echo', namespace: 'default', ...fields });

describe('checkLinkTargets', () => {
  it('finds a target in-port that does not exist among the specs being written', () => {
    const specs = [
      spec({ name: 'a', links: { out: [{ name: 'b', port: 'in' }, { name: 'b', port: 'input' }] } }),
      spec({ name: 'b' }),
    ];
    const problems = checkLinkTargets(scheme, specs);
    expect([...problems.keys()]).toEqual([0]);
    expect(problems.get(0)).toEqual([expect.objectContaining({ path: 'links.out[1].port', code: 'ERR_PORT_UNKNOWN' })]);
    expect(problems.get(0)![0]!.message).toContain('input');
  });

  it('finds a missing in-port on a known (stored) target, by name or by id', () => {
    const id = '01890000-0000-7000-8000-000000000001';
    const known = [spec({ name: 'stored', id }), spec({ kind: 'join', name: 'gather' })];
    const specs = [
      spec({ name: 'a', links: { out: [{ id, port: 'in[1]' }], error: [{ name: 'stored', port: 'in' }] } }),
      spec({ name: 'c', links: { out: [{ name: 'gather', port: 'in[1]' }, { name: 'gather', port: 'in' }, { name: 'gather', port: 'out' }] } }),
    ];
    const problems = checkLinkTargets(scheme, specs, known);
    expect(problems.get(0)).toEqual([expect.objectContaining({ path: 'links.out[0].port' })]);
    expect(problems.get(1)).toEqual([expect.objectContaining({ path: 'links.out[2].port', code: 'ERR_PORT_UNKNOWN' })]);
  });

  it('lets a spec being written replace the known one of the same name', () => {
    const known = [spec({ kind: 'join', name: 'b' })];
    const specs = [spec({ name: 'a', links: { out: [{ name: 'b', port: 'in[1]' }] } }), spec({ name: 'b' })];
    expect(checkLinkTargets(scheme, specs, known).get(0)).toEqual([expect.objectContaining({ path: 'links.out[0].port' })]);
  });

  it('ignores targets that are nowhere yet (links bind late)', () => {
    const specs = [spec({ name: 'a', links: { out: [{ name: 'later', port: 'anything' }, { id: '01890000-0000-7000-8000-000000000009', port: 'x' }] } })];
    expect(checkLinkTargets(scheme, specs).size).toBe(0);
  });

  it('looks for targets in the same namespace only', () => {
    const specs = [
      spec({ name: 'a', namespace: 'one', links: { out: [{ name: 'b', port: 'nope' }] } }),
      spec({ name: 'b', namespace: 'two' }),
    ];
    expect(checkLinkTargets(scheme, specs).size).toBe(0);
  });

  it('ignores a target of an unknown kind', () => {
    const specs = [spec({ name: 'a', links: { out: [{ name: 'b', port: 'nope' }] } }), spec({ kind: 'mystery', name: 'b' })];
    expect(checkLinkTargets(scheme, specs).size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { downstreamFirst } from '../../../src/loader/downstream-first.ts';
import type { StoredSpec } from '../../../src/index.ts';

const spec = (name: string, targets: string[] = [], id = `id-${name}`): StoredSpec =>
  ({ id, kind: 'nop', namespace: 'default', name, revision: 1, links: targets.length === 0 ? undefined : { out: targets.map((target) => ({ name: target, port: 'in' })) } }) as StoredSpec;

describe('downstreamFirst', () => {
  it('puts every spec after the specs its links point to', () => {
    const order = downstreamFirst([spec('listener', ['router']), spec('router', ['a', 'b']), spec('a'), spec('b', ['a'])]);
    expect(order.map((entry) => entry.name)).toEqual(['a', 'b', 'router', 'listener']);
  });

  it('follows links by id, ignores targets outside the list and keeps the given order otherwise', () => {
    const byId = { ...spec('x'), links: { out: [{ id: 'id-y', port: 'in' }] } } as StoredSpec;
    const order = downstreamFirst([spec('lone', ['elsewhere']), byId, spec('y')]);
    expect(order.map((entry) => entry.name)).toEqual(['lone', 'y', 'x']);
  });

  it('orders a cycle without looping', () => {
    const order = downstreamFirst([spec('a', ['b']), spec('b', ['a'])]);
    expect(order.map((entry) => entry.name)).toEqual(['b', 'a']);
  });
});

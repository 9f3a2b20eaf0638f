import { describe, expect, it } from 'vitest';
import { prepareSpec } from '../../../src/store/prepare-spec.ts';

describe('prepareSpec', () => {
  it('returns a deep copy with ports as links, namespace defaulted and the expected revision kept', () => {
    const input = { kind: 'snippet', revision: 3, ports: { out: [{ name: 'b', port: 'in' }] }, env: { a: [1] } };
    const prepared = prepareSpec(input);
    expect(prepared).toEqual({ kind: 'snippet', namespace: 'default', revision: 3, links: { out: [{ name: 'b', port: 'in' }] }, env: { a: [1] } });
    (input.env.a as number[]).push(2);
    expect(prepared.env).toEqual({ a: [1] });
  });

  it('drops a null id, name or revision and fields whose value is undefined', () => {
    expect(prepareSpec({ kind: 'k', id: null, name: null, revision: null, extra: undefined } as never)).toEqual({ kind: 'k', namespace: 'default' });
  });

  it.each([
    ['no kind', { name: 'a' }],
    ['an empty kind', { kind: '' }],
    ['a numeric kind', { kind: 1 }],
    ['a numeric name', { kind: 'k', name: 5 }],
    ['an empty id', { kind: 'k', id: '' }],
    ['a bigint field', { kind: 'k', big: 1n }],
    ['a negative revision', { kind: 'k', revision: -1 }],
    ['a fractional revision', { kind: 'k', revision: 1.5 }],
    ['a string revision', { kind: 'k', revision: '2' }],
    ['a non-object', 'kind: k'],
  ])('refuses a spec with %s with ERR_SPEC_INVALID', (_, input) => {
    expect(() => prepareSpec(input as never)).toThrow(expect.objectContaining({ code: 'ERR_SPEC_INVALID' }));
  });
});

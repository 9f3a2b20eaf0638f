import { describe, expect, it } from 'vitest';
import { COMMON_FIELDS, describeSpec } from '../../../src/index.ts';

describe('describeSpec', () => {
  it('names a spec namespace/name, else namespace/id, else by kind', () => {
    expect(describeSpec({ kind: 'snippet', namespace: 'shop', name: 'cart', id: 'x' })).toBe('shop/cart');
    expect(describeSpec({ kind: 'snippet', id: '0190' })).toBe('default/0190');
    expect(describeSpec({ kind: 'snippet', name: '' })).toBe('default/(unnamed snippet)');
    expect(describeSpec({})).toBe('default/(unnamed spec)');
  });

  it('names a spec whose namespace, name, id or kind are not strings without throwing', () => {
    const hostile = JSON.parse('{"toString": 1}') as unknown;
    expect(describeSpec({ namespace: hostile, name: hostile, kind: hostile } as never)).toBe('(invalid namespace)/(unnamed spec)');
    expect(describeSpec({ namespace: 5, id: ['x'], kind: 'nop' } as never)).toBe('(invalid namespace)/(unnamed nop)');
    expect(describeSpec({ name: 7 } as never)).toBe('default/(unnamed spec)');
  });
});

describe('COMMON_FIELDS', () => {
  it('holds the fields every kind shares', () => {
    expect([...COMMON_FIELDS].sort()).toEqual(['annotations', 'env', 'id', 'kind', 'links', 'name', 'namespace', 'revision']);
  });
});

import { describe, expect, it } from 'vitest';
import { COMMON_FIELDS, describeSpec } from '../../../src/index.ts';

describe('describeSpec', () => {
  it('names a spec namespace/name, else namespace/id, else by kind', () => {
    expect(describeSpec({ kind: 'snippet', namespace: 'shop', name: 'cart', id: 'x' })).toBe('shop/cart');
    expect(describeSpec({ kind: 'snippet', id: '0190' })).toBe('default/0190');
    expect(describeSpec({ kind: 'snippet', name: '' })).toBe('default/(unnamed snippet)');
    expect(describeSpec({})).toBe('default/(unnamed spec)');
  });
});

describe('COMMON_FIELDS', () => {
  it('holds the fields every kind shares', () => {
    expect([...COMMON_FIELDS].sort()).toEqual(['annotations', 'env', 'id', 'kind', 'links', 'name', 'namespace', 'revision']);
  });
});

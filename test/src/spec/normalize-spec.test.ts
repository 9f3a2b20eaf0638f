import { describe, expect, it } from 'vitest';
import { DEFAULT_NAMESPACE, normalizeSpec } from '../../../src/index.ts';

describe('normalizeSpec', () => {
  it('stores ports as links', () => {
    const spec = normalizeSpec({ kind: 'snippet', ports: { out: [{ name: 'b', port: 'in' }] } });
    expect(spec.links).toEqual({ out: [{ name: 'b', port: 'in' }] });
    expect(spec).not.toHaveProperty('ports');
  });

  it('merges ports into links when both are given, links winning per out-port', () => {
    const spec = normalizeSpec({
      kind: 'snippet',
      ports: { out: [{ name: 'from-ports', port: 'in' }], error: [{ name: 'e', port: 'in' }] },
      links: { out: [{ name: 'from-links', port: 'in' }] },
    });
    expect(spec.links).toEqual({ out: [{ name: 'from-links', port: 'in' }], error: [{ name: 'e', port: 'in' }] });
  });

  it('defaults the namespace to default', () => {
    expect(normalizeSpec({ kind: 'snippet' }).namespace).toBe(DEFAULT_NAMESPACE);
    expect(DEFAULT_NAMESPACE).toBe('default');
    expect(normalizeSpec({ kind: 'snippet', namespace: '' }).namespace).toBe('default');
  });

  it('fills a missing namespace from the fallback', () => {
    expect(normalizeSpec({ kind: 'snippet' }, 'system').namespace).toBe('system');
  });

  it('keeps a namespace written in the spec over the fallback', () => {
    expect(normalizeSpec({ kind: 'snippet', namespace: 'shop' }, 'system').namespace).toBe('shop');
  });

  it('copies the spec and keeps kind fields', () => {
    const raw = { kind: 'snippet', name: 'a', code: 'x', ports: {} };
    const spec = normalizeSpec(raw);
    expect(spec).toEqual({ kind: 'snippet', name: 'a', code: 'x', links: {}, namespace: 'default' });
    expect(raw).toEqual({ kind: 'snippet', name: 'a', code: 'x', ports: {} });
  });
});

import { describe, expect, it } from 'vitest';
import { SPEC_LIMITS, specSizeProblems } from '../../../src/index.ts';

const limits = { maxBytes: 1000, maxEntries: 5, maxDepth: 3 };

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('specSizeProblems', () => {
  it('finds nothing in a spec within the limits', () => {
    expect(specSizeProblems({ kind: 'nop', annotations: { a: 'b' }, links: { out: [{ name: 'x', port: 'in' }] } }, limits)).toEqual([]);
    expect(specSizeProblems({ kind: 'nop', env: nested(2) }, limits)).toEqual([]);
  });

  it('names the map or list with too many entries', () => {
    const annotations = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v']));
    expect(specSizeProblems({ kind: 'nop', annotations, env: { list: [1, 2, 3, 4, 5, 6] } }, limits)).toEqual([
      expect.objectContaining({ path: 'annotations', code: 'ERR_SPEC_TOO_LARGE' }),
      expect.objectContaining({ path: 'env.list', code: 'ERR_SPEC_TOO_LARGE' }),
    ]);
  });

  it('names the map or list nested too deep, and ends on a cyclic object', () => {
    expect(specSizeProblems({ kind: 'nop', env: nested(4) }, limits)).toEqual([expect.objectContaining({ path: 'env.a.a.a', code: 'ERR_SPEC_TOO_LARGE' })]);
    const cyclic: Record<string, unknown> = { kind: 'nop' };
    cyclic.env = cyclic;
    expect(specSizeProblems(cyclic, limits)).toEqual([expect.objectContaining({ code: 'ERR_SPEC_TOO_LARGE' })]);
  });

  it('names the top-level field that takes the spec over its byte limit', () => {
    expect(specSizeProblems({ kind: 'nop', env: { a: { b: 'x'.repeat(2000) } } }, limits)).toEqual([expect.objectContaining({ path: 'env', code: 'ERR_SPEC_TOO_LARGE' })]);
    expect(specSizeProblems({ kind: 'nop', code: 'é'.repeat(600) }, limits)).toEqual([expect.objectContaining({ path: 'code' })]);
  });

  it('measures strings whose JSON escapes take them over the limit', () => {
    expect(specSizeProblems({ kind: 'nop', code: '\u0001'.repeat(400) }, limits)).toEqual([expect.objectContaining({ path: '', code: 'ERR_SPEC_TOO_LARGE' })]);
  });

  it('walks a spec of 100 000 annotations and a shared subtree 10^9 nodes wide in bounded time', () => {
    const annotations = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, `v${i}`]));
    let shared: unknown = ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol'];
    for (let level = 0; level < 9; level++) shared = Array.from({ length: 10 }, () => shared);
    const started = Date.now();
    expect(specSizeProblems({ kind: 'nop', annotations })).toEqual([expect.objectContaining({ path: 'annotations' })]);
    expect(specSizeProblems({ kind: 'nop', env: { shared } })).toEqual([expect.objectContaining({ path: 'env' })]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(SPEC_LIMITS).toEqual({ maxBytes: 1_048_576, maxEntries: 10_000, maxDepth: 64 });
  });
});

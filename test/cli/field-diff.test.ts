import { describe, expect, it } from 'vitest';
import { fieldDiff } from '../../cli/field-diff.ts';

describe('fieldDiff', () => {
  const base = { id: 'x', kind: 'snippet', namespace: 'default', name: 'a', revision: 3, language: 'text', code: 'v1' };

  it('lists nothing for specs that differ only in the fields the store owns', () => {
    expect(fieldDiff(base, { ...base, id: 'y', revision: 9 })).toEqual([]);
  });

  it('names changed, added and removed fields by path, with old and new values', () => {
    const before = { ...base, env: { keep: 1, drop: true }, annotations: { 'team.io/owner': 'a' } };
    const after = { ...base, code: 'v2', env: { keep: 1, added: [1] }, annotations: { 'team.io/owner': 'b' } };
    expect(fieldDiff(before, after)).toEqual([
      { path: 'code', op: 'change', old: 'v1', new: 'v2' },
      { path: 'env.drop', op: 'remove', old: true },
      { path: 'env.added', op: 'add', new: [1] },
      { path: 'annotations["team.io/owner"]', op: 'change', old: 'a', new: 'b' },
    ]);
  });

  it('compares arrays index by index and quotes port names with brackets', () => {
    const before = { ...base, links: { 'out[0]': [{ name: 'b', port: 'in' }] } };
    const after = { ...base, links: { 'out[0]': [{ name: 'c', port: 'in' }, { name: 'd', port: 'in' }] } };
    expect(fieldDiff(before, after)).toEqual([
      { path: 'links["out[0]"][0].name', op: 'change', old: 'b', new: 'c' },
      { path: 'links["out[0]"][1]', op: 'add', new: { name: 'd', port: 'in' } },
    ]);
  });

  it('reports a value whose type changes as one change', () => {
    expect(fieldDiff({ ...base, env: { a: [1] } }, { ...base, env: { a: { b: 1 } } })).toEqual([
      { path: 'env.a', op: 'change', old: [1], new: { b: 1 } },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { assertStorable } from '../../../../src/store/mongodb/assert-storable.ts';
import { fromDocument, toDocument } from '../../../../src/store/mongodb/spec-document.ts';
import { prefetchQuery, specQuery } from '../../../../src/store/mongodb/spec-query.ts';

describe('spec documents', () => {
  const spec = { id: '0190a1b2-0000-7000-8000-000000000001', kind: 'snippet', namespace: 'ns', name: 'a', links: { out: [{ name: 'b', port: 'in' }] }, revision: 3 };

  it('store the id as _id and keep every other field and its order', () => {
    const document = toDocument(spec);
    expect(document).toEqual({ _id: spec.id, kind: 'snippet', namespace: 'ns', name: 'a', links: spec.links, revision: 3 });
    expect(document).not.toHaveProperty('id');
    expect(Object.keys(fromDocument(document))).toEqual(Object.keys(spec));
    expect(fromDocument(document)).toEqual(spec);
    expect(fromDocument(document)).not.toHaveProperty('_id');
  });

  it('read a non-string _id of a foreign document as its string form', () => {
    expect(fromDocument({ _id: 42, kind: 'x', namespace: 'n', revision: 1 }).id).toBe('42');
  });
});

describe('specQuery', () => {
  it('selects by equality, arrays by $in, and maps id to _id', () => {
    expect(specQuery({})).toEqual({});
    expect(specQuery({ namespace: 'ns', id: 'i', name: ['a', 'b'], kind: [] })).toEqual({ namespace: 'ns', _id: 'i', name: { $in: ['a', 'b'] }, kind: { $in: [] } });
  });
});

describe('prefetchQuery', () => {
  const prepared = (fields: Record<string, unknown>) => ({ kind: 'snippet', namespace: 'ns', ...fields }) as never;

  it('asks for the ids and the (namespace, name) pairs of the call, grouped by namespace', () => {
    expect(prefetchQuery([prepared({ id: 'i1', name: 'a' }), prepared({ name: 'b' }), prepared({ namespace: 'other', name: 'a' }), prepared({ id: 'i1' })])).toEqual({
      $or: [{ _id: { $in: ['i1'] } }, { namespace: 'ns', name: { $in: ['a', 'b'] } }, { namespace: 'other', name: { $in: ['a'] } }],
    });
    expect(prefetchQuery([prepared({ id: 'i1' })])).toEqual({ _id: { $in: ['i1'] } });
  });

  it('asks nothing for a call of unnamed specs without ids', () => {
    expect(prefetchQuery([prepared({}), prepared({})])).toBeUndefined();
  });
});

describe('assertStorable', () => {
  const prepared = (fields: Record<string, unknown>) => ({ kind: 'snippet', namespace: 'ns', ...fields }) as never;

  it('passes what BSON stores alike on insert and replace, $ keys below the top level included', () => {
    expect(() => assertStorable(prepared({ env: { $ref: 'x' }, body: [{ 'a.b': 1 }], code: 'nul \u0000 in a value' }), 0)).not.toThrow();
  });

  it('refuses a top-level $ field and a key with a NUL character, naming the field and the spec position', () => {
    expect(() => assertStorable(prepared({ $set: 1 }), 2)).toThrow(expect.objectContaining({ code: 'ERR_SPEC_INVALID', details: { index: 2, problems: [expect.objectContaining({ path: '$set' })] } }));
    expect(() => assertStorable(prepared({ env: { list: [{ 'a\u0000b': 1 }] } }), 0)).toThrow(expect.objectContaining({ code: 'ERR_SPEC_INVALID', details: { index: 0, problems: [expect.objectContaining({ path: 'env.list[0].a\u0000b' })] } }));
  });
});

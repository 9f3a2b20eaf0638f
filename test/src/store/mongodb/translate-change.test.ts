import { describe, expect, it } from 'vitest';
import { formatToken, parseToken } from '../../../../src/store/mongodb/resume-token.ts';
import { translateChange } from '../../../../src/store/mongodb/translate-change.ts';
import { rawChange } from './fake-change-source.ts';

const doc = (fields: Record<string, unknown> = {}) => ({ _id: 'id-1', kind: 'snippet', namespace: 'ns', name: 'a', revision: 1, ...fields });
const spec = (fields: Record<string, unknown> = {}) => ({ id: 'id-1', kind: 'snippet', namespace: 'ns', name: 'a', revision: 1, ...fields });

describe('translateChange', () => {
  it('turns an insert into an insert event with the new spec and the token of the event', () => {
    expect(translateChange(rawChange('insert', '8201', { document: doc() }), { namespace: 'ns' })).toEqual({ op: 'insert', id: 'id-1', namespace: 'ns', spec: spec(), token: '8201' });
  });

  it('turns replace and update into update events with the spec after the change', () => {
    const after = doc({ revision: 2, code: 'new' });
    for (const type of ['replace', 'update']) {
      expect(translateChange(rawChange(type, '8202', { document: after, before: doc() }), {})).toEqual({ op: 'update', id: 'id-1', namespace: 'ns', spec: spec({ revision: 2, code: 'new' }), token: '8202' });
    }
  });

  it('sends an update whose document was deleted before the lookup without a spec, namespace from the pre-image', () => {
    const change = { ...rawChange('update', '8203', { before: doc() }), fullDocument: null };
    expect(translateChange(change, { namespace: 'ns' })).toEqual({ op: 'update', id: 'id-1', namespace: 'ns', token: '8203' });
    expect(translateChange(change, { namespace: 'ns', name: 'a' })).toBeUndefined();
  });

  it('turns a delete into a delete event carrying the pre-image', () => {
    expect(translateChange(rawChange('delete', '8204', { before: doc() }), { namespace: 'ns' })).toEqual({ op: 'delete', id: 'id-1', namespace: 'ns', spec: spec(), token: '8204' });
  });

  it('keeps the document id of a delete without pre-image, but such an event matches no namespace', () => {
    const change = rawChange('delete', '8205', { id: 'id-9' });
    expect(translateChange(change, {})).toEqual({ op: 'delete', id: 'id-9', namespace: '', token: '8205' });
    expect(translateChange(change, { namespace: 'ns' })).toBeUndefined();
  });

  it('matches the filter as find does: namespace, id, name and kind of the spec after (before, for a delete)', () => {
    const renamed = rawChange('replace', '8206', { document: doc({ name: 'b', revision: 2 }), before: doc() });
    expect(translateChange(renamed, { namespace: 'ns', name: 'b' })).toMatchObject({ op: 'update' });
    expect(translateChange(renamed, { namespace: 'ns', name: 'a' })).toBeUndefined();
    expect(translateChange(renamed, { namespace: 'other' })).toBeUndefined();
    expect(translateChange(renamed, { id: ['id-1'], kind: 'snippet' })).toMatchObject({ op: 'update' });
    expect(translateChange(rawChange('delete', '8207', { before: doc() }), { kind: 'router' })).toBeUndefined();
  });

  it('turns drop, rename and dropDatabase into a reset of the watched namespace', () => {
    for (const type of ['drop', 'rename', 'dropDatabase']) {
      expect(translateChange(rawChange(type, '8208'), { namespace: 'ns' })).toEqual({ op: 'reset', id: '', namespace: 'ns', token: '8208' });
    }
    expect(translateChange(rawChange('drop', '8209'), {})).toMatchObject({ op: 'reset', namespace: '' });
  });

  it('reports invalidate, and ignores event types weft does not use', () => {
    expect(translateChange(rawChange('invalidate', '820a'), { namespace: 'ns' })).toBe('invalidate');
    expect(translateChange(rawChange('createIndexes', '820b'), {})).toBeUndefined();
  });
});

describe('resume tokens', () => {
  it('are the hex _data of the usual token, and parse back to it', () => {
    expect(formatToken({ _data: '8263A1B2C3' })).toBe('8263A1B2C3');
    expect(parseToken('8263A1B2C3')).toEqual({ _data: '8263A1B2C3' });
  });

  it('carry any other token shape as Extended JSON, round trip included', () => {
    const token = { _data: 'not hex!', extra: 1 };
    const text = formatToken(token);
    expect(text.startsWith('ejson:')).toBe(true);
    const parsed = parseToken(text) as Record<string, unknown>;
    expect(parsed._data).toBe('not hex!');
    expect(formatToken(parsed)).toBe(text);
  });

  it('refuse strings that cannot be a token', () => {
    for (const text of ['', 'not-a-token-of-this-store', 'ejson:{broken', 'ejson:[1]', 'ejson:"text"']) expect(parseToken(text)).toBeUndefined();
  });
});

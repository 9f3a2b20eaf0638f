import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { WeftError } from '../../../../src/index.ts';
import { mongoStoreError, NAME_INDEX } from '../../../../src/store/mongodb/mongo-store-error.ts';

const a = { id: 'id-a', kind: 'snippet', namespace: 'ns', name: 'a', revision: 1 };
const b = { id: 'id-b', kind: 'snippet', namespace: 'ns', name: 'b', revision: 1 };
const bulk = (writeError: Record<string, unknown>) => new MongoBulkWriteError({ message: 'E11000 duplicate key error', code: 11000, writeErrors: [writeError as never] }, {} as never);

describe('mongoStoreError', () => {
  it('maps a duplicate key on the name index to ERR_NAME_TAKEN for the spec of the failed write', () => {
    const error = mongoStoreError(bulk({ index: 1, code: 11000, errmsg: 'E11000', err: { keyPattern: { namespace: 1, name: 1 } } }), [a, b]);
    expect(error).toMatchObject({ code: 'ERR_NAME_TAKEN', params: { name: 'b', namespace: 'ns' }, details: { index: 1 } });
  });

  it('maps a duplicate _id to ERR_ID_TAKEN', () => {
    const error = mongoStoreError(bulk({ index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: weft.weft_specs index: _id_ dup key', err: {} }), [a, b]);
    expect(error).toMatchObject({ code: 'ERR_ID_TAKEN', params: { id: 'id-a' }, details: { index: 0 } });
  });

  it('reads the index from the message when the server sends no key pattern, and handles a single write error', () => {
    const single = new MongoServerError({ message: `E11000 duplicate key error collection: weft.weft_specs index: ${NAME_INDEX} dup key: { namespace: "ns", name: "a" }`, code: 11000 });
    expect(mongoStoreError(single, [a])).toMatchObject({ code: 'ERR_NAME_TAKEN', params: { name: 'a' }, details: { index: 0 } });
  });

  it('passes WeftErrors, turns a refused login or command into ERR_STORE_ACCESS_DENIED and everything else into ERR_STORE_UNAVAILABLE, with the cause', () => {
    const own = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 'x' });
    expect(mongoStoreError(own)).toBe(own);
    const unauthorized = new MongoServerError({ message: 'not authorized', code: 13 });
    expect(mongoStoreError(unauthorized)).toMatchObject({ code: 'ERR_STORE_ACCESS_DENIED', cause: unauthorized });
    const login = new MongoServerError({ message: 'Authentication failed.', code: 18 });
    expect(mongoStoreError(login)).toMatchObject({ code: 'ERR_STORE_ACCESS_DENIED' });
    const other = new MongoServerError({ message: 'interrupted', code: 11601 });
    expect(mongoStoreError(other)).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', cause: other });
    expect(mongoStoreError(bulk({ index: 5, code: 11000, errmsg: 'E11000', err: {} }), [a])).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });
});

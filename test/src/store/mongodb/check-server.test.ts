import { describe, expect, it } from 'vitest';
import { checkServer } from '../../../../src/store/mongodb/check-server.ts';

describe('checkServer', () => {
  it('accepts a replica-set member and a mongos of MongoDB 6.0 or later', () => {
    expect(checkServer({ setName: 'rs0', isWritablePrimary: true, maxWireVersion: 21 } as never)).toBeUndefined();
    expect(checkServer({ msg: 'isdbgrid', maxWireVersion: 17 })).toBeUndefined();
  });

  it('refuses a standalone mongod, saying a replica set is needed', () => {
    expect(checkServer({ isWritablePrimary: true, maxWireVersion: 25 } as never)).toMatch(/standalone.*replica set/);
    expect(checkServer({ setName: '', maxWireVersion: 25 })).toMatch(/standalone/);
  });

  it('refuses a server older than 6.0 (no change-stream pre-images)', () => {
    expect(checkServer({ setName: 'rs0', maxWireVersion: 13 })).toMatch(/wire version 13.*6\.0/);
    expect(checkServer({ setName: 'rs0' })).toMatch(/wire version 0/);
  });
});

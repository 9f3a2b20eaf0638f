import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTION, DEFAULT_DATABASE, parseMongoUrl, redactMongoUrl } from '../../../../src/store/mongodb/parse-mongo-url.ts';

describe('parseMongoUrl', () => {
  it('takes the database from the path and strips weft options from the client URL', () => {
    const parsed = parseMongoUrl('mongodb://a.example:27017,b.example:27018/specs-db?replicaSet=rs0&weftCollection=my_specs&w=majority');
    expect(parsed).toEqual({
      clientUrl: 'mongodb://a.example:27017,b.example:27018/specs-db?replicaSet=rs0&w=majority',
      database: 'specs-db',
      collection: 'my_specs',
      redacted: 'mongodb://a.example:27017,b.example:27018/specs-db?replicaSet=rs0&weftCollection=my_specs&w=majority',
      setsServerSelectionTimeout: false,
      setsConnectTimeout: false,
    });
  });

  it('defaults the database and collection, and accepts mongodb+srv and case-insensitive option names', () => {
    expect(parseMongoUrl('mongodb://localhost')).toMatchObject({ clientUrl: 'mongodb://localhost/', database: DEFAULT_DATABASE, collection: DEFAULT_COLLECTION });
    expect(parseMongoUrl('mongodb+srv://cluster.example/?WEFTCOLLECTION=x')).toMatchObject({ clientUrl: 'mongodb+srv://cluster.example/', database: DEFAULT_DATABASE, collection: 'x' });
    expect(parseMongoUrl('MongoDB://h/db?weftcollection=y')).toMatchObject({ collection: 'y', database: 'db' });
  });

  it('keeps the other options byte for byte, percent-encoding included, and notices serverSelectionTimeoutMS', () => {
    const parsed = parseMongoUrl('mongodb://u%40x:p%2Fw@h/db?authSource=admin&appName=weft%20engine&serverSelectionTimeoutMS=500&weftCollection=c%2Dd');
    expect(parsed.clientUrl).toBe('mongodb://u%40x:p%2Fw@h/db?authSource=admin&appName=weft%20engine&serverSelectionTimeoutMS=500');
    expect(parsed.collection).toBe('c-d');
    expect(parsed.setsServerSelectionTimeout).toBe(true);
    expect(parsed.setsConnectTimeout).toBe(false);
    expect(parseMongoUrl('mongodb://h/db?ConnectTimeoutMS=100').setsConnectTimeout).toBe(true);
  });

  it('hides the password in the redacted URL', () => {
    expect(parseMongoUrl('mongodb://admin:s3cret@h:1/db').redacted).toBe('mongodb://admin:***@h:1/db');
    expect(redactMongoUrl('mongodb+srv://user:pa:ss@cluster.example/db?x=1')).toBe('mongodb+srv://user:***@cluster.example/db?x=1');
    expect(redactMongoUrl('mongodb://user@h/db')).toBe('mongodb://user@h/db');
  });

  it.each([
    ['no host', 'mongodb:///db'],
    ['no host after the user info', 'mongodb://user:pw@/db'],
    ['not a mongodb URL', 'mongo://h/db'],
    ['an unknown weft option', 'mongodb://h/db?weftCollections=x'],
    ['an empty collection', 'mongodb://h/db?weftCollection='],
    ['a collection with $', 'mongodb://h/db?weftCollection=a$b'],
    ['a system collection', 'mongodb://h/db?weftCollection=system.views'],
    ['a database name with a dot', 'mongodb://h/my.db'],
    ['a database name with a space', 'mongodb://h/my%20db'],
    ['a database name of 64 bytes', `mongodb://h/${'d'.repeat(64)}`],
    ['bad percent-encoding', 'mongodb://h/db?weftCollection=%E0%A4%A'],
  ])('refuses %s with ERR_STORE_URL_INVALID, password redacted', (_, url) => {
    const withPassword = url.replace('://', '://u:secret@');
    let thrown: unknown;
    try {
      parseMongoUrl(withPassword);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'WeftError', code: 'ERR_STORE_URL_INVALID' });
    expect(JSON.stringify((thrown as { params: unknown }).params)).not.toContain('secret');
  });
});
